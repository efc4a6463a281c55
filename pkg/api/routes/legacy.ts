import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { BaselineResponse, LatestRequest, LatestResponse, SeriesParams, TrainRequest } from '../../contract/legacy';
import { severityOf } from '../../contract/rules';
import type { SourceQuery } from '../../contract/sources';
import { InputError } from '../../core/errors';
import { formatLabels, type Labels } from '../../core/series';
import { probabilityToScore } from '../../ensemble/calibration';
import type { EnsembleModel } from '../../ensemble/types';
import { CONTEXT_POINTS } from '../../jobs/runner';
import { errorResponses, HttpError } from '../errors';
import type { RouteOptions } from '../services';
import { chooseInterval, requestOptions } from '../util';

/**
 * The legacy (sysmon-style) API, kept for users migrating from the service Vigil grew out of: train a model on one series'
 * history (`POST /api/train`), detect on the latest value with per-method results, consensus and confidence
 * (`POST /api/detect/latest`), read the learned baseline and its thresholds (`GET /api/baseline/:series`).
 * Forecasting a horizon is `POST /api/forecast` (shared with the main API).
 */

interface BaselineInfo {
  source?: SourceQuery;
  detectors: string[];
  threshold: number;
  voteProbability: number;
  points: number;
  from: number;
  to: number;
  /** recent history kept as context for detecting on the latest value */
  tail: { t: number[]; v: (number | null)[] };
}

/** The legacy sysmon-style API: `POST /api/train`, `GET /api/baseline/:series`, `POST /api/detect/latest`. */
export const legacyRoutes: FastifyPluginAsyncTypebox<RouteOptions> = async (app, { services: s }) => {
  const bandAt = (model: EnsembleModel, info: BaselineInfo, intervalMs: number) => {
    const input = {
      timestamps: Float64Array.from(info.tail.t),
      values: Float64Array.from(info.tail.v, (v) => v ?? NaN),
      intervalMs,
    };
    return { input, out: s.engine.score(model, input) };
  };

  app.post(
    '/api/train',
    {
      schema: {
        tags: ['legacy'],
        summary: "Train a model (baseline) on one series' history",
        body: TrainRequest,
        response: { 200: BaselineResponse, ...errorResponses },
      },
    },
    async (req) => {
      const b = req.body;
      const intervalMs = chooseInterval(b.interval, b.from, b.to);
      const got = await s.fetchSeries(b.source, b.from, b.to, intervalMs);
      if (got.length !== 1) {
        throw new InputError(`the query returned ${got.length} series; train needs exactly one (narrow the query)`, {
          field: 'source',
        });
      }
      const reg = s.engine.regularize(got[0], intervalMs);
      if (reg.values.length < 10)
        throw new InputError(`only ${reg.values.length} points in [from, to]; at least 10 are needed`);
      const input = { timestamps: reg.timestamps, values: reg.values, intervalMs };
      const model = s.engine.fit(input, requestOptions(b));
      const n = reg.values.length;
      const keep = Math.min(n, CONTEXT_POINTS);
      const info: BaselineInfo = {
        source: b.source,
        detectors: model.options.detectors,
        threshold: model.options.threshold,
        voteProbability: model.options.voteProbability,
        points: n,
        from: reg.timestamps[0],
        to: reg.timestamps[n - 1],
        tail: { t: Array.from(reg.timestamps.subarray(n - keep)), v: Array.from(reg.values.subarray(n - keep), nul) },
      };
      const now = s.clock.now();
      await s.repo.saveBaseline(b.series, got[0].labels, model, intervalMs, now, info);
      return describeBaseline(b.series, got[0].labels, intervalMs, now, info, model);
    }
  );

  const describeBaseline = (
    name: string,
    labels: Labels,
    intervalMs: number,
    trainedAt: number,
    info: BaselineInfo,
    model: EnsembleModel
  ) => {
    const { input, out } = bandAt(model, info, intervalMs);
    const last = input.timestamps.length - 1;
    return {
      series: name,
      labels,
      intervalMs,
      trainedAt,
      points: info.points,
      from: info.from,
      to: info.to,
      detectors: info.detectors,
      expected: nul(out.expected[last]),
      lower: nul(out.lower[last]),
      upper: nul(out.upper[last]),
      thresholds: {
        anomalyScore: info.threshold,
        voteProbability: info.voteProbability,
        detectorVoteScore: probabilityToScore(info.voteProbability),
        lower: nul(out.lower[last]),
        upper: nul(out.upper[last]),
      },
      band: Array.from(input.timestamps, (t, i) => ({
        t,
        expected: nul(out.expected[i]),
        lower: nul(out.lower[i]),
        upper: nul(out.upper[i]),
      })),
    };
  };

  const load = async (name: string) => {
    const bl = await s.repo.getBaseline<EnsembleModel, BaselineInfo>(name);
    if (!bl) {
      throw new HttpError(
        404,
        'not_found',
        `no baseline named "${name}"; train one with POST /api/train (known: ${(await s.repo.listBaselineKeys()).slice(0, 20).join(', ') || 'none'})`
      );
    }
    return bl;
  };

  app.get(
    '/api/baseline/:series',
    {
      schema: {
        tags: ['legacy'],
        summary: 'The learned baseline of a trained series: expected value, band and thresholds',
        params: SeriesParams,
        response: { 200: BaselineResponse, ...errorResponses },
      },
    },
    async (req) => {
      const bl = await load(req.params.series);
      return describeBaseline(bl.key, bl.labels, bl.intervalMs, bl.trainedAt, bl.info, bl.model);
    }
  );

  app.post(
    '/api/detect/latest',
    {
      schema: {
        tags: ['legacy'],
        summary: 'Detect on the latest value of a trained series: per-method results, consensus and confidence',
        body: LatestRequest,
        response: { 200: LatestResponse, ...errorResponses },
      },
    },
    async (req) => {
      const b = req.body;
      const bl = await load(b.series);
      const info = bl.info;
      const lastT = info.tail.t[info.tail.t.length - 1];
      if (b.value !== undefined) {
        const t = b.timestamp ?? lastT + bl.intervalMs;
        const slot = Math.floor(t / bl.intervalMs) * bl.intervalMs;
        if (slot <= lastT) {
          throw new InputError(`timestamp ${t} is not after the last point of "${b.series}" (${lastT})`, {
            field: 'timestamp',
          });
        }
        for (let x = lastT + bl.intervalMs; x < slot; x += bl.intervalMs) {
          info.tail.t.push(x);
          info.tail.v.push(null);
        }
        info.tail.t.push(slot);
        info.tail.v.push(b.value);
      } else {
        if (!info.source) throw new InputError('this baseline has no source; send "value"', { field: 'value' });
        const now = s.clock.now();
        const fresh = (await s.fetchSeries(info.source, lastT + 1, now, bl.intervalMs)).find(
          (x) => formatLabels(x.labels) === formatLabels(bl.labels)
        );
        if (!fresh || fresh.timestamps.length === 0) {
          throw new InputError(`no new points for "${b.series}" since ${new Date(lastT).toISOString()}`);
        }
        const reg = s.engine.regularize(fresh, bl.intervalMs);
        for (let i = 0; i < reg.timestamps.length; i++) {
          if (reg.timestamps[i] <= lastT) continue;
          info.tail.t.push(reg.timestamps[i]);
          info.tail.v.push(nul(reg.values[i]));
        }
      }
      const excess = info.tail.t.length - CONTEXT_POINTS;
      if (excess > 0) {
        info.tail.t.splice(0, excess);
        info.tail.v.splice(0, excess);
      }
      await s.repo.saveBaseline(bl.key, bl.labels, bl.model, bl.intervalMs, bl.trainedAt, info);
      const { input, out } = bandAt(bl.model, info, bl.intervalMs);
      const i = input.timestamps.length - 1;
      const voteScore = probabilityToScore(info.voteProbability);
      const methods = Object.entries(out.contributions).map(([name, scores]) => ({
        name,
        score: nul(scores[i]),
        vote: Number.isFinite(scores[i]) && scores[i] > voteScore,
      }));
      const score = nul(out.score[i]);
      return {
        series: bl.key,
        labels: bl.labels,
        timestamp: input.timestamps[i],
        value: nul(input.values[i]),
        anomalous: out.anomalous[i] === 1,
        consensus: out.anomalous[i] === 1 ? ('anomaly' as const) : ('normal' as const),
        confidence: nul(out.confidence[i]),
        score,
        severity: score === null ? null : severityOf(score),
        direction:
          out.direction[i] > 0 ? ('above' as const) : out.direction[i] < 0 ? ('below' as const) : ('none' as const),
        expected: nul(out.expected[i]),
        lower: nul(out.lower[i]),
        upper: nul(out.upper[i]),
        methods,
      };
    }
  );
};

function nul(v: number): number | null {
  return Number.isFinite(v) ? v : null;
}
