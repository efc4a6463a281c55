import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { BaselineResponse, LatestRequest, LatestResponse, SeriesParams, TrainRequest } from '../../contract/legacy';
import { severityOf } from '../../contract/rules';
import { InputError } from '../../core/errors';
import { finiteOrNull, formatLabels, type Labels } from '../../core/series';
import { decodeState, encodeState } from '../../core/stateCodec';
import { defaultWarmup, type StreamState } from '../../pipeline/stream';
import { errorResponses, HttpError } from '../errors';
import type { RouteOptions } from '../services';
import { chooseInterval, requestOptions } from '../util';
import { describeBaseline, keepBand, pointsOfValue, type BaselineInfo } from '../baselines';

/**
 * The legacy (sysmon-style) API, kept for users migrating from the service Vigil grew out of: train a model on one series'
 * history (`POST /api/train`: a detection stream started and run over it, kept as the baseline), detect on the latest value with per-method results, consensus and confidence
 * (`POST /api/detect/latest`), read the learned baseline and its thresholds (`GET /api/baseline/:series`).
 * Forecasting a horizon is `POST /api/forecast` (shared with the main API).
 */

/** The legacy sysmon-style API: `POST /api/train`, `GET /api/baseline/:series`, `POST /api/detect/latest`. */
export const legacyRoutes: FastifyPluginAsyncTypebox<RouteOptions> = async (app, { services: s }) => {
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
      // the history is what the baseline learns from: its warm-up is at most half of it
      const warmup = Math.min(defaultWarmup(intervalMs), Math.floor(reg.values.length / 2));
      const stream = s.engine.start({ ensemble: requestOptions(b), warmup }, intervalMs, reg.values);
      const out = s.engine.advance(stream, got[0].labels, reg.timestamps, reg.values);
      const n = reg.values.length;
      const info: BaselineInfo = {
        source: b.source,
        detectors: stream.ensemble.options.detectors,
        threshold: stream.ensemble.options.threshold,
        points: n,
        from: reg.timestamps[0],
        to: reg.timestamps[n - 1],
        band: [],
      };
      keepBand(info, out);
      const now = s.clock.now();
      await s.repo.saveBaseline(b.series, got[0].labels, encodeState(stream), intervalMs, now, info);
      return describeBaseline(b.series, got[0].labels, intervalMs, now, info);
    }
  );

  const load = async (name: string) => {
    const bl = await s.repo.getBaseline<string, BaselineInfo>(name);
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
      return describeBaseline(bl.key, bl.labels, bl.intervalMs, bl.trainedAt, bl.info);
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
      const stream = decodeState<StreamState>(bl.model);
      const { timestamps, values } =
        b.value !== undefined
          ? pointsOfValue(stream, bl.intervalMs, b.series, b.value, b.timestamp)
          : await newPoints(stream, bl.intervalMs, b.series, info, bl.labels);
      const out = s.engine.advance(stream, bl.labels, timestamps, values);
      keepBand(info, out);
      info.points += timestamps.length;
      info.to = timestamps[timestamps.length - 1];
      await s.repo.saveBaseline(bl.key, bl.labels, encodeState(stream), bl.intervalMs, bl.trainedAt, info);
      const i = timestamps.length - 1;
      const methods = Object.entries(out.contributions).map(([name, scores]) => ({
        name,
        score: finiteOrNull(scores[i]),
        vote: Number.isFinite(scores[i]) && scores[i] >= info.threshold,
      }));
      const judged = methods.filter((m) => m.score !== null).length;
      const score = finiteOrNull(out.score[i]);
      const anomalous = out.anomaly[i] === 1;
      const expected = finiteOrNull(out.expected[i]);
      const direction = expected === null || !Number.isFinite(values[i]) ? 0 : Math.sign(values[i] - expected);
      return {
        series: bl.key,
        labels: bl.labels,
        timestamp: timestamps[i],
        value: finiteOrNull(values[i]),
        anomalous,
        consensus: anomalous ? ('anomaly' as const) : ('normal' as const),
        confidence: judged ? methods.filter((m) => m.vote).length / judged : null,
        score,
        severity: score === null ? null : severityOf(score),
        direction: direction > 0 ? ('above' as const) : direction < 0 ? ('below' as const) : ('none' as const),
        expected,
        lower: finiteOrNull(out.lower[i]),
        upper: finiteOrNull(out.upper[i]),
        methods,
      };
    }
  );

  /** The source's points after the stream's last one (missing points as NaN). */
  const newPoints = async (
    stream: StreamState,
    intervalMs: number,
    series: string,
    info: BaselineInfo,
    labels: Labels
  ) => {
    if (!info.source) throw new InputError('this baseline has no source; send "value"', { field: 'value' });
    const lastT = stream.last;
    const fresh = (await s.fetchSeries(info.source, lastT + 1, s.clock.now(), intervalMs)).find(
      (x) => formatLabels(x.labels) === formatLabels(labels)
    );
    const reg = fresh ? s.engine.regularize(fresh, intervalMs) : null;
    let k = 0;
    while (reg && k < reg.timestamps.length && reg.timestamps[k] <= lastT) k++;
    if (!reg || k === reg.timestamps.length) {
      throw new InputError(`no new points for "${series}" since ${new Date(lastT).toISOString()}`);
    }
    const gap = Math.max(0, Math.round((reg.timestamps[k] - lastT) / intervalMs) - 1);
    const n = gap + reg.timestamps.length - k;
    const timestamps = Float64Array.from({ length: n }, (_, j) => lastT + (j + 1) * intervalMs);
    const values = new Float64Array(n).fill(NaN);
    values.set(reg.values.subarray(k), gap);
    return { timestamps, values };
  };
};
