import { regularize } from '../core/regularize';
import type { Series } from '../core/series';
import { driftStatus } from '../detectors/ksDrift';
import type { DetectorInput } from '../detectors/types';
import { fitEnsemble, scoreEnsemble } from '../ensemble/ensemble';
import { buildEvents } from '../ensemble/events';
import { forecast } from '../forecast/forecast';
import type { EnsembleModel, EnsembleOptions, EnsembleOutput } from '../ensemble/types';
import type { AnomalyEvent } from '../contract/results';

/**
 * The detection functions the service calls, gathered behind one interface so the scheduler and routes can be
 * tested with a fake engine and run with the real one (`defaultEngine`, the lead's ensemble in `pkg/ensemble/`).
 */
export interface DetectionEngine {
  /** Put a series on the job's grid (epoch-aligned buckets of `intervalMs`, NaN gaps). */
  regularize(series: Series, intervalMs: number): Series;
  /** Fit the ensemble on a training series (see `fitEnsemble`). */
  fit(train: DetectorInput, options: Partial<EnsembleOptions>): EnsembleModel;
  /** Score a series (which may start with context before the points of interest). */
  score(model: EnsembleModel, input: DetectorInput): EnsembleOutput;
  /** Merge anomalous points into events. */
  events(labels: Series['labels'], input: DetectorInput, out: EnsembleOutput): AnomalyEvent[];
  /** Two-sample KS drift test of `recent` against `reference` (p < 0.01 drifting). */
  drift(
    reference: ArrayLike<number>,
    recent: ArrayLike<number>
  ): { drifting: boolean; pValue: number; statistic: number };
  /** Forecast `horizon` points past the end of a regular series (AutoETS from pkg/forecast), with a 95% band. */
  forecast(
    series: Series,
    horizon: number,
    intervalMs: number
  ): { t: number; mean: number; lower: number; upper: number }[];
}

/**
 * The real engine: regularize + fitEnsemble/scoreEnsemble + buildEvents + KS drift (pkg/detectors/ksDrift) +
 * AutoETS forecasts (pkg/forecast).
 */
export const defaultEngine: DetectionEngine = {
  regularize: (s, i) => regularize(s, i),
  fit: (train, options) => fitEnsemble(train, options),
  score: (model, input) => scoreEnsemble(model, input),
  events: (labels, input, out) => buildEvents(labels, input, out),
  drift: (reference, recent) => {
    const d = driftStatus(reference, recent);
    return { drifting: d.drift, pValue: d.pValue, statistic: d.statistic };
  },
  forecast: (series, horizon, intervalMs) => {
    const f = forecast(series, { horizon, intervalMs, method: 'ets' });
    return Array.from(f.timestamps, (t, i) => ({ t, mean: f.mean[i], lower: f.lower[i], upper: f.upper[i] }));
  },
};
