import type { Labels } from '../core/series';

/** A point forecast with its prediction band; all arrays the same length, value units. */
export interface Band {
  mean: Float64Array;
  lower: Float64Array;
  upper: Float64Array;
}

/** Forecast methods behind `forecast()`. */
export type ForecastMethod = 'prophet' | 'ets' | 'mstl';

/**
 * A forecast past the end of a series: `horizon` points on the series' grid, starting one interval after its
 * last timestamp, with a prediction band at `level`.
 */
export interface ForecastResult extends Band {
  labels: Labels;
  method: ForecastMethod;
  /** band level in (0, 1) */
  level: number;
  /** spacing of the forecast points, ms */
  intervalMs: number;
  /** epoch ms of each forecast point */
  timestamps: Float64Array;
}
