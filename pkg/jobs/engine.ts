import { regularize } from '../core/regularize';
import type { Labels, Series } from '../core/series';
import { driftTest, learnDriftReference, type DriftReference, type DriftVerdict } from '../detectors/seasonalDrift';
import { forecast } from '../forecast/forecast';
import { followLocalTrend } from '../forecast/localTrend';
import {
  advanceStream,
  startStream,
  type PipelineOptions,
  type StreamOutput,
  type StreamState,
} from '../pipeline/stream';

/**
 * The detection functions the service calls, gathered behind one interface so the scheduler and routes can be
 * tested with a fake engine and run with the real one (`defaultEngine`: the detection pipeline of `pkg/pipeline/`).
 */
export interface DetectionEngine {
  /** Put a series on the job's grid (epoch-aligned buckets of `intervalMs`, NaN gaps). */
  regularize(series: Series, intervalMs: number): Series;
  /** Start a series' detection stream (see `startStream`). */
  start(options: PipelineOptions, intervalMs: number, sample: Float64Array): StreamState;
  /** Advance a stream over the next points of its series (see `advanceStream`). */
  advance(state: StreamState, labels: Labels, timestamps: Float64Array, values: Float64Array): StreamOutput;
  /** Learn a series' drift reference (daily baseline, residuals) from its first run's history (pkg/detectors/seasonalDrift). */
  learnDrift(timestamps: ArrayLike<number>, values: ArrayLike<number>, intervalMs: number): DriftReference;
  /** Seasonally adjusted KS drift test of a recent window against the reference (p < 0.01 drifting). */
  drift(reference: DriftReference, timestamps: ArrayLike<number>, values: ArrayLike<number>): DriftVerdict;
  /**
   * Forecast `horizon` points past the end of a regular series (AutoETS from pkg/forecast, extending a recent
   * significant trend the smoothing does not follow yet: `followLocalTrend`), with a 95% band.
   */
  forecast(
    series: Series,
    horizon: number,
    intervalMs: number
  ): { t: number; mean: number; lower: number; upper: number }[];
}

/** The real engine: regularize + the detection pipeline + seasonal drift (pkg/detectors/seasonalDrift) + AutoETS forecasts. */
export const defaultEngine: DetectionEngine = {
  regularize: (s, i) => regularize(s, i),
  start: (options, intervalMs, sample) => startStream(options, intervalMs, sample),
  advance: (state, labels, timestamps, values) => advanceStream(state, labels, timestamps, values),
  learnDrift: (timestamps, values, intervalMs) => learnDriftReference(timestamps, values, intervalMs),
  drift: (reference, timestamps, values) => driftTest(reference, timestamps, values),
  forecast: (series, horizon, intervalMs) => {
    const f = forecast(series, { horizon, intervalMs, method: 'ets' });
    // a young ramp the smoothing has not picked up yet is extrapolated, so a breach is announced before it happens
    const b = followLocalTrend(regularize(series, intervalMs).values, f) ?? f;
    return Array.from(f.timestamps, (t, i) => ({ t, mean: b.mean[i], lower: b.lower[i], upper: b.upper[i] }));
  },
};
