import { InputError } from '../core/errors';
import type { Labels } from '../core/series';
import { chooseTransform, type Transform, type TransformName } from '../core/transform';
import * as ensemble from '../ensemble/ensemble';
import { ensemblePoint, startEnsemble } from '../ensemble/ensemble';
import * as events from '../ensemble/events';
import { describeEvent, startEvents, type EventOptions, type EventState, type OpenEvent } from '../ensemble/events';
import type { AnomalyEvent } from '../contract';
import type { EnsembleOptions, EnsemblePoint, EnsembleState } from '../ensemble/types';

// bound once: hot per-point calls (see docs/architecture.md, "Hot paths")
const { feedEvent, IN_EVENT, ONSET } = events;
const { detectorScore, updateEnsemble } = ensemble;

/** Options of a detection stream (the pipeline's one configuration; every field has a default). */
export interface PipelineOptions {
  ensemble?: Partial<EnsembleOptions>;
  events?: Partial<EventOptions>;
  /** variance-stabilising transform (default `auto`: Anscombe square root for count series) */
  transform?: TransformName | 'auto';
  /** points a stream sees before it raises events or shows a band (default `defaultWarmup`: two days, >= 288 points) */
  warmup?: number;
}

/** The warm-up's duration (ms) and its least number of points. */
export const WARMUP_MS = 2 * 86_400_000;
export const MIN_WARMUP_POINTS = 288;

/**
 * Default warm-up of a series spaced `intervalMs`: two days and at least 288 points (two days of 5-minute or 1-minute
 * points, twelve days of hourly points). The detectors judge from their first points, but their standardisation needs
 * a few hundred points and the time of day two days of history before an alert can be trusted (measured on the NAB
 * development data: a one-day warm-up raises 0.37 false events per series-week, this one 0.27).
 */
export function defaultWarmup(intervalMs: number): number {
  return Math.max(MIN_WARMUP_POINTS, Math.ceil(WARMUP_MS / intervalMs));
}

/** A series' detection stream: everything needed to continue it with the next points. JSON via `core/stateCodec`. */
export interface StreamState {
  kind: 'stream';
  version: 1;
  intervalMs: number;
  transform: TransformName;
  /** the series has shown no negative value (its band is clipped at 0) */
  nonNegative: boolean;
  warmup: number;
  /** points advanced so far */
  seen: number;
  /** timestamp of the last point advanced, epoch ms (NaN before the first) */
  last: number;
  ensemble: EnsembleState;
  events: EventState;
}

/** Per-point output of `advanceStream`, arrays of the advanced points' length, in the series' own units. */
export interface StreamOutput {
  timestamps: Float64Array;
  values: Float64Array;
  /** anomaly score 0-100 (NaN when not judged) */
  score: Float64Array;
  /** the uncapped strength behind the score (see `EnsemblePoint.strength`), for ranking */
  strength: Float64Array;
  /** 1 when the point belongs to an event */
  anomaly: Uint8Array;
  /** 1 when an event opened at the point (the alert) */
  onset: Uint8Array;
  expected: Float64Array;
  lower: Float64Array;
  upper: Float64Array;
  /** each detector's 0-100 score per point, by detector name */
  contributions: Record<string, Float64Array>;
  /** events that closed within the advanced points */
  closed: AnomalyEvent[];
  /** the event still open after the last point, if any */
  open: AnomalyEvent | null;
}

/**
 * Start a detection stream for one regular series.
 *
 * @param intervalMs grid spacing in ms (> 0)
 * @param sample values the stream starts with (decides the transform: counts get the Anscombe square root; and
 *   whether the series is non-negative)
 * @throws InputError for a bad interval or warm-up; ParameterError for bad ensemble or event options
 */
export function startStream(options: PipelineOptions, intervalMs: number, sample: Float64Array): StreamState {
  if (!(intervalMs > 0) || !Number.isFinite(intervalMs))
    throw new InputError(`interval must be positive, got ${intervalMs}`);
  const warmup = options.warmup ?? defaultWarmup(intervalMs);
  if (!Number.isInteger(warmup) || warmup < 0)
    throw new InputError(`warmup must be an integer >= 0 points, got ${warmup}`);
  const transform = chooseTransform(sample, options.transform ?? 'auto');
  let nonNegative = true;
  for (let i = 0; i < sample.length; i++) if (sample[i] < 0) nonNegative = false;
  return {
    kind: 'stream',
    version: 1,
    intervalMs,
    transform: transform.name,
    nonNegative,
    warmup,
    seen: 0,
    last: NaN,
    ensemble: startEnsemble(options.ensemble ?? {}, { intervalMs }),
    events: startEvents(options.events ?? {}, intervalMs),
  };
}

/** One point's output of `updateStream` (reused across points: copy what you keep). Values in the series' units. */
export interface StreamPoint {
  /** the ensemble's output for the point (score 0-100, strength, each detector's strength, vote) */
  ensemble: EnsemblePoint;
  expected: number;
  lower: number;
  upper: number;
  /** the point belongs to an event */
  anomaly: boolean;
  /** an event opened at the point (the alert) */
  onset: boolean;
  /** the event that closed at this point (describe it with `describeClosed`), if any */
  closed: OpenEvent | null;
}

/** A reusable output for `updateStream`. */
export function streamPoint(state: StreamState): StreamPoint {
  return {
    ensemble: ensemblePoint(state.ensemble),
    expected: NaN,
    lower: NaN,
    upper: NaN,
    anomaly: false,
    onset: false,
    closed: null,
  };
}

/**
 * Advance a stream by one point (on its grid, after the last point it saw; x NaN = missing) without allocating: the
 * ensemble scores it, its expected value and band are put back in the series' units (clipped at 0 for a non-negative
 * series, absent during the warm-up), and the event logic decides whether it opens, extends or closes an event.
 * O(detectors). The state is advanced in place.
 *
 * @throws InputError when t is not after the last point seen or off the stream's grid
 */
export function updateStream(state: StreamState, t: number, x: number, out: StreamPoint): void {
  if (!Number.isNaN(state.last)) {
    const step = (t - state.last) / state.intervalMs;
    if (!(step >= 1) || Math.abs(step - Math.round(step)) > 1e-6) {
      throw new InputError(
        `point at ${new Date(t).toISOString()} is not on the stream's ${state.intervalMs} ms grid after ${new Date(state.last).toISOString()}`
      );
    }
  }
  const transform = TRANSFORMS[state.transform];
  if (x < 0) state.nonNegative = false;
  const point = out.ensemble;
  updateEnsemble(state.ensemble, t, Number.isNaN(x) ? NaN : transform.forward(x), point);
  const warm = state.seen >= state.warmup;
  state.seen++;
  state.last = t;
  if (warm) {
    out.expected = toUnits(state, transform, point.expected);
    out.lower = toUnits(state, transform, point.lower);
    out.upper = toUnits(state, transform, point.upper);
  } else {
    out.expected = out.lower = out.upper = NaN;
  }
  const flags = feedEvent(state.events, t, x, point, warm);
  out.anomaly = (flags & IN_EVENT) !== 0;
  out.onset = (flags & ONSET) !== 0;
  out.closed = state.events.closed;
}

/** Describe an event of a stream (a closed one from `StreamPoint.closed`, or `state.events.open`). */
export function describeStreamEvent(state: StreamState, e: OpenEvent, labels: Labels): AnomalyEvent {
  const transform = TRANSFORMS[state.transform];
  return describeEvent(
    e,
    labels,
    state.ensemble.members.map((m) => m.name),
    state.events.options,
    (v) => toUnits(state, transform, v)
  );
}

/**
 * Advance a stream over the next points of its series (see `updateStream`), collecting per-point outputs and the
 * events that closed, plus the one still open after the last point. O(points · detectors).
 *
 * @param labels the series' labels (copied into events)
 * @throws InputError when a timestamp is not after the last one seen or off the stream's grid
 */
export function advanceStream(
  state: StreamState,
  labels: Labels,
  timestamps: Float64Array,
  values: Float64Array
): StreamOutput {
  const n = timestamps.length;
  if (values.length !== n) throw new InputError(`${n} timestamps but ${values.length} values`);
  const names = state.ensemble.members.map((m) => m.name);
  const out: StreamOutput = {
    timestamps,
    values,
    score: new Float64Array(n),
    strength: new Float64Array(n),
    anomaly: new Uint8Array(n),
    onset: new Uint8Array(n),
    expected: new Float64Array(n),
    lower: new Float64Array(n),
    upper: new Float64Array(n),
    contributions: Object.fromEntries(names.map((name) => [name, new Float64Array(n)])),
    closed: [],
    open: null,
  };
  const columns = names.map((name) => out.contributions[name]);
  const p = streamPoint(state);
  const strengths = p.ensemble.strengths;
  for (let i = 0; i < n; i++) {
    updateStream(state, timestamps[i], values[i], p);
    out.score[i] = p.ensemble.score;
    out.strength[i] = p.ensemble.strength;
    for (let k = 0; k < columns.length; k++) columns[k][i] = detectorScore(strengths[k]);
    out.expected[i] = p.expected;
    out.lower[i] = p.lower;
    out.upper[i] = p.upper;
    out.anomaly[i] = p.anomaly ? 1 : 0;
    out.onset[i] = p.onset ? 1 : 0;
    if (p.closed) out.closed.push(describeStreamEvent(state, p.closed, labels));
  }
  if (state.events.open) out.open = describeStreamEvent(state, state.events.open, labels);
  return out;
}

const TRANSFORMS: Record<TransformName, Transform> = {
  none: chooseTransform(new Float64Array(0), 'none'),
  sqrt: chooseTransform(new Float64Array(0), 'sqrt'),
  log: chooseTransform(new Float64Array(0), 'log'),
};

function toUnits(state: StreamState, transform: Transform, v: number): number {
  if (Number.isNaN(v)) return NaN;
  const u = transform.inverse(v);
  return state.nonNegative && u < 0 ? 0 : u;
}
