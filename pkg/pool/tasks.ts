/**
 * The work the engine hands to its worker pool (`pool.ts`): detection, peer-group outliers and forecasts, CPU-bound
 * and pure, so they
 * run off the event loop. Each task takes and returns plain data (typed arrays and strings cross threads by
 * structured clone). The same functions run in-process for the inline pool.
 */
import type { Series } from '../core/series';
import { forecast, type ForecastOptions } from '../forecast/forecast';
import { detect, type DetectOptions } from '../pipeline/detect';
import { judgeGroup, peerOutlierResult, type GroupJudgement } from '../outliers/outlierResult';
import type { OutlierRequest } from '../contract/outliers';

/** What `outliersJson` takes: the group's series, the range and grid (epoch ms, ms) and the request's options. */
export interface OutliersTask {
  series: Series[];
  from: number;
  to: number;
  intervalMs: number;
  options: Partial<Pick<OutlierRequest, 'algorithm' | 'sensitivity' | 'minDuration'>>;
}

/**
 * Ad-hoc detection, the one detection entry point: `pkg/pipeline`'s `detect` over the series, answered as the
 * JSON text of the result (serialised here, so the event loop only sends it).
 */
export function detectJson(input: { series: Series[]; options: DetectOptions }): string {
  return JSON.stringify(detect(input.series, input.options));
}

/** Peer-group outliers (`pkg/outliers`'s `peerOutlierResult`) as the JSON text of the answer. */
export function outliersJson(input: OutliersTask): string {
  return JSON.stringify(peerOutlierResult(input.series, input.from, input.to, input.intervalMs, input.options));
}

/** Peer-group outliers judged (`pkg/outliers`'s `judgeGroup`), in typed arrays: what a scheduled outliers job stores. */
export function outlierJudgement(input: OutliersTask): GroupJudgement {
  return judgeGroup(input.series, input.from, input.to, input.intervalMs, input.options);
}

/** A forecast of one series (see `pkg/forecast`), its arrays as they are. */
export function forecastTask(input: {
  series: Series;
  options: Partial<ForecastOptions>;
}): ReturnType<typeof forecast> {
  return forecast(input.series, input.options);
}

/** A task's answer across the thread boundary: structured clone keeps an error's message, not its class. */
export type Envelope<T> =
  | { ok: true; value: T }
  | { ok: false; error: { name: string; message: string; stack?: string; source?: string; status?: number } };

function wrap<I, T>(fn: (input: I) => T): (input: I) => Envelope<T> {
  return (input) => {
    try {
      return { ok: true, value: fn(input) };
    } catch (err) {
      const e = err as Error & { source?: string; status?: number };
      return {
        ok: false,
        error: {
          name: e?.name ?? 'Error',
          message: e?.message ?? String(err),
          stack: e?.stack,
          source: e?.source,
          status: e?.status,
        },
      };
    }
  };
}

/** The worker threads' entry points (loaded by `worker.cjs`). */
export const workerTasks = {
  detectJson: wrap(detectJson),
  outliersJson: wrap(outliersJson),
  outlierJudgement: wrap(outlierJudgement),
  forecastTask: wrap(forecastTask),
};
