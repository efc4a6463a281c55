import { parseInterval } from '../core/interval';
import { sensitivityThreshold, type VoteMode } from '../contract/rules';
import type { EnsembleOptions } from '../ensemble/types';

const GRIDS = ['1m', '5m', '15m', '1h', '1d'].map((g) => parseInterval(g));

/** The interval of an ad-hoc request: as given, else the finest standard grid with at most 11,000 points. */
export function chooseInterval(interval: string | undefined, from: number, to: number): number {
  if (interval) return parseInterval(interval, 'interval');
  return GRIDS.find((g) => (to - from) / g <= 11_000) ?? GRIDS[GRIDS.length - 1];
}

/** Ensemble options of an ad-hoc request body. */
export function requestOptions(b: {
  detectors?: string[];
  mode?: VoteMode;
  threshold?: number;
  sensitivity?: number;
  params?: Record<string, Record<string, unknown>>;
}): Partial<EnsembleOptions> {
  const o: Partial<EnsembleOptions> = {};
  if (b.detectors) o.detectors = b.detectors;
  if (b.mode) o.mode = b.mode;
  if (b.threshold !== undefined) o.threshold = b.threshold;
  if (b.params) o.params = b.params;
  if (b.sensitivity !== undefined && b.threshold === undefined) o.threshold = sensitivityThreshold(b.sensitivity);
  return o;
}

/**
 * A signal that aborts when the client goes away before its answer was sent (the response closed unfinished).
 * @example closedSignal(reply.raw) // aborts if the dashboard's request is cancelled or times out
 */
export function closedSignal(res: import('node:http').ServerResponse): AbortSignal {
  const gone = new AbortController();
  res.once('close', () => {
    if (!res.writableFinished) gone.abort();
  });
  return gone.signal;
}
