import type { Labels } from '../core/series';
import type { Repo } from '../store/repo';
import { forecastBreaches, forecastIssuedAt } from '../forecast/breach';
import { formatValue } from './promql';
import { parseInterval } from '../core/interval';
import { maintenanceTester } from '../core/maintenance';
import { labelKey, matchesAll, type Matcher, type Point, type RangeSeries } from './promql';

/** Vigil's result metrics with their HELP text (served by /api/v1/metadata and /metrics). */
export const RESULT_METRICS: Record<string, string> = {
  vigil_anomaly_score: 'Ensemble anomaly score of the point, 0-100 (75+ critical, 50+ major, 25+ minor).',
  vigil_anomalous: 'Whether the point is anomalous: 1 above the expected band, -1 below, 0 normal.',
  vigil_expected: 'Expected value of the series and its band (bound="lower|mean|upper").',
  vigil_forecast: 'Forecast of the series past the last point (bound="lower|mean|upper").',
  vigil_drift: 'Whether the recent distribution of the series drifted from its reference (KS p < 0.01): 1 or 0.',
  vigil_drift_p_value: 'p-value of the two-sample Kolmogorov-Smirnov drift test.',
  vigil_maintenance: 'Whether a maintenance window of the job is in force (1) or not (0), at each job interval.',
  vigil_forecast_breach:
    'Whether the latest forecast crosses the job threshold (threshold, direction labels) within its horizon: 1 or 0.',
  vigil_forecast_breach_seconds:
    'Seconds from the latest forecast to its first point beyond the job threshold; absent when none is within the horizon.',
};

/** One result series as the Prometheus API sees it: its full label set and how to read its samples. */
interface CatalogEntry {
  labels: Labels;
  /** group key of the stored series it comes from */
  storeKey: string;
  read: (from: number, to: number) => Promise<Point[]>;
}

/** Labels Vigil sets on result series beside job and job_id: a source label of the same name is renamed. */
const RESERVED = new Set(['bound', 'metric', 'threshold', 'direction']);

/**
 * Labels of a result series: `__name__`, `job` (the job's name), `job_id`, then the source series' labels. The
 * source's metric name becomes the label `metric`; a source label that collides (`job`, `job_id`, `bound`,
 * `metric`) is kept with an `exported_` prefix, as Prometheus federation does.
 */
export function resultLabels(name: string, jobName: string, jobId: string, source: Labels, extra: Labels = {}): Labels {
  const out: Labels = { __name__: name, job: jobName, job_id: jobId };
  for (const [k, v] of Object.entries(source)) {
    if (k === '__name__') out.metric = v;
    else if (k in out || RESERVED.has(k)) out[`exported_${k}`] = v;
    else out[k] = v;
  }
  return { ...out, ...extra };
}

/**
 * The catalogue of Vigil's result series built from the store, and sample selection with Prometheus' lookback.
 * Built per request (`ResultCatalog.load`): listing series is cheap; points are read (`preload`) only for series a
 * selector matches, once per stored series and request, before the expression is evaluated.
 */
export class ResultCatalog {
  private entries: CatalogEntry[] = [];
  private cache = new Map<string, Map<string, Point[]>>();

  private constructor() {}

  /** The catalogue of every result, forecast and drift series in the store. */
  static async load(repo: Repo): Promise<ResultCatalog> {
    const c = new ResultCatalog();
    type Rows = Awaited<ReturnType<Repo['readResults']>>;
    const resultRows = new Map<string, Promise<Rows>>();
    const readResultSeries = async (jobId: string, labels: Labels, from: number, to: number) => {
      const k = `${jobId}|${from}|${to}`;
      let rows = resultRows.get(k);
      if (!rows) resultRows.set(k, (rows = repo.readResults(jobId, from, to)));
      const key = labelKey(labels);
      return (await rows).find((s) => labelKey(s.labels) === key)?.points ?? [];
    };
    for (const s of await repo.listResultSeries()) {
      const base = `${s.jobId}|${labelKey(s.labels)}`;
      const add = (name: string, extra: Labels, pick: (p: Rows[number]['points'][number]) => number | null) =>
        c.entries.push({
          labels: resultLabels(name, s.jobName, s.jobId, s.labels, extra),
          storeKey: `${base}|${name}|${extra.bound ?? ''}`,
          read: async (from, to) =>
            (await readResultSeries(s.jobId, s.labels, from, to))
              .map((p): [number, number | null] => [p.t, pick(p)])
              .filter((p): p is Point => p[1] !== null),
        });
      add('vigil_anomaly_score', {}, (p) => p.score);
      add('vigil_anomalous', {}, (p) => (p.value === null ? null : p.anomaly ? p.direction || 1 : 0));
      add('vigil_expected', { bound: 'lower' }, (p) => p.lower);
      add('vigil_expected', { bound: 'mean' }, (p) => p.expected);
      add('vigil_expected', { bound: 'upper' }, (p) => p.upper);
    }
    type Forecasts = Awaited<ReturnType<Repo['readForecasts']>>;
    const forecasts = new Map<string, Promise<Forecasts>>();
    const readForecast = (from: number, to: number) => {
      const k = `${from}|${to}`;
      let f = forecasts.get(k);
      if (!f) forecasts.set(k, (f = repo.readForecasts(from, to)));
      return f;
    };
    const thresholds = new Map(
      (await repo.jobSpecs())
        .filter((j) => j.spec.forecastThresholds?.length)
        .map((j) => [j.id, j.spec.forecastThresholds!])
    );
    for (const s of await repo.readForecasts(-8.64e15, 8.64e15)) {
      const watched = thresholds.get(s.jobId);
      const issuedAt = forecastIssuedAt(s.points);
      if (watched && issuedAt !== null) {
        // one sample per forecast, at the time it was made (as drift is dated by its check)
        for (const b of forecastBreaches(issuedAt, s.points, watched)) {
          const extra = { threshold: formatValue(b.threshold), direction: b.direction };
          const at = (v: number) => async (from: number, to: number) =>
            issuedAt >= from && issuedAt <= to ? [[issuedAt, v] as Point] : [];
          const key = `${s.jobId}|${labelKey(s.labels)}|${extra.threshold}|${b.direction}`;
          c.entries.push({
            labels: resultLabels('vigil_forecast_breach', s.jobName, s.jobId, s.labels, extra),
            storeKey: `${key}|vigil_forecast_breach`,
            read: at(b.at === null ? 0 : 1),
          });
          if (b.seconds !== null) {
            c.entries.push({
              labels: resultLabels('vigil_forecast_breach_seconds', s.jobName, s.jobId, s.labels, extra),
              storeKey: `${key}|vigil_forecast_breach_seconds`,
              read: at(b.seconds),
            });
          }
        }
      }
      for (const bound of ['lower', 'mean', 'upper'] as const) {
        c.entries.push({
          labels: resultLabels('vigil_forecast', s.jobName, s.jobId, s.labels, { bound }),
          storeKey: `${s.jobId}|${labelKey(s.labels)}|vigil_forecast|${bound}`,
          read: async (from, to) =>
            (
              (await readForecast(from, to)).find(
                (x) => x.jobId === s.jobId && labelKey(x.labels) === labelKey(s.labels)
              )?.points ?? []
            )
              .map((p): [number, number | null] => [p.t, p[bound]])
              .filter((p): p is Point => p[1] !== null),
        });
      }
    }
    for (const { id, spec } of await repo.jobSpecs()) {
      if (!spec.maintenanceWindows?.length) continue;
      let intervalMs: number;
      try {
        intervalMs = parseInterval(spec.interval ?? '1m');
      } catch {
        continue;
      }
      c.entries.push({
        labels: { __name__: 'vigil_maintenance', job: spec.name, job_id: id },
        storeKey: `${id}|vigil_maintenance`,
        read: async (from, to) => {
          const first = Math.ceil(from / intervalMs) * intervalMs;
          if ((to - first) / intervalMs > 100_000) return [];
          const inWindow = maintenanceTester(spec.maintenanceWindows, first, to);
          const out: Point[] = [];
          for (let t = first; t <= to; t += intervalMs) out.push([t, inWindow(t) ? 1 : 0]);
          return out;
        },
      });
    }
    for (const d of await repo.listDrift()) {
      const point = (v: number) => async (from: number, to: number) =>
        d.checkedAt >= from && d.checkedAt <= to ? [[d.checkedAt, v] as Point] : [];
      c.entries.push({
        labels: resultLabels('vigil_drift', d.name, d.jobId, d.labels),
        storeKey: `${d.jobId}|${labelKey(d.labels)}|vigil_drift`,
        read: point(d.drifting ? 1 : 0),
      });
      c.entries.push({
        labels: resultLabels('vigil_drift_p_value', d.name, d.jobId, d.labels),
        storeKey: `${d.jobId}|${labelKey(d.labels)}|vigil_drift_p_value`,
        read: point(d.pValue),
      });
    }
    return c;
  }

  /** Label sets of every series matching any of the selectors (all series when none given). */
  series(selectorSets: Matcher[][] = []): Labels[] {
    return this.entries
      .filter((e) => selectorSets.length === 0 || selectorSets.some((m) => matchesAll(m, e.labels)))
      .map((e) => e.labels);
  }

  /**
   * Read the points of every series matching one of `selectorSets` over [from, to], so that `selector(from, to)` can
   * answer (call it with `selectors(expr)` and the span the expression reads: its evaluation times minus
   * `lookbehindMs(expr)`).
   */
  async preload(selectorSets: Matcher[][], from: number, to: number): Promise<void> {
    const rangeKey = `${from}|${to}`;
    for (const e of this.entries) {
      if (!selectorSets.some((m) => matchesAll(m, e.labels))) continue;
      let byRange = this.cache.get(e.storeKey);
      if (!byRange) this.cache.set(e.storeKey, (byRange = new Map()));
      if (!byRange.has(rangeKey)) byRange.set(rangeKey, await e.read(from, to));
    }
  }

  /** A `SelectFn` over what `preload` read for the same range: every matching series with its points. */
  selector(from: number, to: number): (matchers: Matcher[]) => RangeSeries[] {
    const rangeKey = `${from}|${to}`;
    return (matchers) => {
      const out: RangeSeries[] = [];
      for (const e of this.entries) {
        if (!matchesAll(matchers, e.labels)) continue;
        const points = this.cache.get(e.storeKey)?.get(rangeKey) ?? [];
        if (points.length > 0) out.push({ labels: e.labels, points });
      }
      return out;
    };
  }
}
