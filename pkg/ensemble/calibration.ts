/**
 * Online calibration of detector raw scores to tail probabilities, so that detectors with different units can be
 * compared and combined.
 */

/** Histogram bins per decade of raw score, and the decades covered (1e-6 .. 1e6). */
const BINS_PER_DECADE = 20;
const LOW_DECADE = -6;
const HIGH_DECADE = 6;
const BINS = (HIGH_DECADE - LOW_DECADE) * BINS_PER_DECADE;
/** Share of the probability mass modelled by the exponential tail. */
const TAIL_MASS = 0.1;
/** Scores needed before a calibration judges. */
export const MIN_CALIBRATION_COUNT = 30;

/**
 * A detector's calibration state: a log-spaced histogram of its past raw scores (bin 0 holds scores <= 1e-6, the
 * last bin scores >= 1e6). JSON-serialisable (see `core/stateCodec`), 2 KB.
 */
export interface TailCalibration {
  counts: Float64Array;
  total: number;
}

export function createTailCalibration(): TailCalibration {
  return { counts: new Float64Array(BINS + 2), total: 0 };
}

function binOf(raw: number): number {
  if (!(raw > 10 ** LOW_DECADE)) return 0;
  const b = Math.floor((Math.log10(raw) - LOW_DECADE) * BINS_PER_DECADE) + 1;
  return Math.min(BINS + 1, b);
}

/** Lower edge of a bin (raw score units). */
function edge(b: number): number {
  return b <= 0 ? 0 : 10 ** (LOW_DECADE + (b - 1) / BINS_PER_DECADE);
}

/** Record a raw score (NaN ignored). O(1). */
export function observeCalibration(c: TailCalibration, raw: number): void {
  if (Number.isNaN(raw)) return;
  c.counts[binOf(raw)]++;
  c.total++;
}

/**
 * Tail probability P(S >= raw) of a raw score under the scores observed so far: the empirical exceedance
 * (interpolated within the histogram bin) up to the top 10% of the mass, an exponential tail above it whose scale
 * is the median excess over the tail threshold / ln 2 (robust to the few anomalies the history holds), capped at
 * twice the distance from the median to the threshold so a series' own incidents do not calibrate themselves away.
 * NaN for a NaN score or before `MIN_CALIBRATION_COUNT` scores.
 *
 * Method: peaks over threshold with an exponential (generalised Pareto, shape 0) tail, as in SPOT (Siffer,
 * Fouque, Termier & Largouët, "Anomaly Detection in Streams with Extreme Value Theory", KDD 2017), on a streaming
 * histogram. O(bins) = O(1) per call.
 */
export function calibratedTail(c: TailCalibration, raw: number): number {
  if (Number.isNaN(raw) || c.total < MIN_CALIBRATION_COUNT) return NaN;
  const counts = c.counts;
  const n = c.total;
  // quantile levels from the top: find the bins of the median and of the tail threshold (90%)
  const median = quantileFromTop(counts, n, 0.5);
  const threshold = quantileFromTop(counts, n, TAIL_MASS);
  if (raw > threshold) {
    const medianExcess = Math.max(0, quantileFromTop(counts, n, TAIL_MASS / 2) - threshold);
    const robust = medianExcess / Math.LN2;
    const body = threshold - median;
    const scale = Math.max(body > 0 ? Math.min(robust, 2 * body) : robust, 1e-3 * Math.max(threshold, 1e-9), 1e-9);
    return TAIL_MASS * Math.exp(-(raw - threshold) / scale);
  }
  // empirical exceedance: the mass above raw's bin plus the part of its own bin above raw
  const b = binOf(raw);
  let above = 0;
  for (let k = b + 1; k < counts.length; k++) above += counts[k];
  const lo = edge(b);
  const hi = b >= BINS + 1 ? lo : edge(b + 1);
  const frac = hi > lo ? Math.min(1, Math.max(0, (hi - raw) / (hi - lo))) : 0.5;
  return Math.min(1, (above + frac * counts[b]) / n);
}

/** The raw score above which `mass` of the observed scores lie (bin-interpolated). */
function quantileFromTop(counts: Float64Array, n: number, mass: number): number {
  const target = mass * n;
  let acc = 0;
  for (let b = counts.length - 1; b >= 0; b--) {
    const c = counts[b];
    if (acc + c >= target && c > 0) {
      const lo = edge(b);
      const hi = b >= BINS + 1 ? lo : edge(b + 1);
      const frac = (target - acc) / c; // share of this bin's mass taken from its top
      return hi - frac * (hi - lo);
    }
    acc += c;
  }
  return 0;
}

/**
 * Normal upper tail P(Z >= (raw - mean) / sd), Z standard normal; a score above the mean with sd 0 has
 * probability 0, one at or below it 1 / 2 or more. NaN when mean or sd is not finite.
 * erfc by the Chebyshev fit of Numerical Recipes (Press et al., 3rd ed., section 6.2.2: `erfccheb`'s
 * predecessor `erfcc`), fractional error below 1.2e-7 everywhere, so small tails keep their precision
 * (simple-statistics' `errorFunction` uses the same fit but returns erf, and 1 - erf loses tails below 1e-16).
 */
export function normalTail(raw: number, mean: number, sd: number): number {
  if (!Number.isFinite(mean) || !Number.isFinite(sd)) return NaN;
  if (sd <= 0) return raw > mean ? 0 : raw < mean ? 1 : 0.5;
  const x = (raw - mean) / (sd * Math.SQRT2);
  const z = Math.abs(x);
  const t = 1 / (1 + 0.5 * z);
  const r =
    t *
    Math.exp(
      -z * z -
        1.26551223 +
        t *
          (1.00002368 +
            t *
              (0.37409196 +
                t *
                  (0.09678418 +
                    t *
                      (-0.18628806 +
                        t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277))))))))
    );
  const erfc = x >= 0 ? r : 2 - r;
  return erfc / 2;
}

/**
 * The standard normal deviate whose upper tail is p (the probit of 1 - p), for p in (0, 1); +Infinity at 0,
 * -Infinity at 1. Acklam's rational approximation refined by one Halley step on `normalTail` (relative error
 * about 1e-9; P. J. Acklam, "An algorithm for computing the inverse normal cumulative distribution function", 2003).
 */
export function normalDeviate(p: number): number {
  if (Number.isNaN(p)) return NaN;
  if (p <= 0) return Infinity;
  if (p >= 1) return -Infinity;
  const q = 1 - p; // lower-tail probability
  const a = [
    -39.69683028665376, 220.9460984245205, -275.9285104469687, 138.357751867269, -30.66479806614716, 2.506628277459239,
  ];
  const b = [-54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972, -13.28068155288572];
  const c = [
    -0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734, 4.374664141464968,
    2.938163982698783,
  ];
  const d = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416];
  let x: number;
  if (q < 0.02425) {
    const r = Math.sqrt(-2 * Math.log(q));
    x =
      (((((c[0] * r + c[1]) * r + c[2]) * r + c[3]) * r + c[4]) * r + c[5]) /
      ((((d[0] * r + d[1]) * r + d[2]) * r + d[3]) * r + 1);
  } else if (q > 1 - 0.02425) {
    const r = Math.sqrt(-2 * Math.log(p));
    x =
      -(((((c[0] * r + c[1]) * r + c[2]) * r + c[3]) * r + c[4]) * r + c[5]) /
      ((((d[0] * r + d[1]) * r + d[2]) * r + d[3]) * r + 1);
  } else {
    const r = q - 0.5;
    const s = r * r;
    x =
      ((((((a[0] * s + a[1]) * s + a[2]) * s + a[3]) * s + a[4]) * s + a[5]) * r) /
      (((((b[0] * s + b[1]) * s + b[2]) * s + b[3]) * s + b[4]) * s + 1);
  }
  // one Halley step on the upper tail: f(x) = normalTail(x) - p
  const e = normalTail(x, 0, 1) - p;
  const u = -e * Math.sqrt(2 * Math.PI) * Math.exp((x * x) / 2);
  return x - u / (1 + (x * u) / 2);
}

/**
 * A detector's 0-100 score from its tail probability: 100 · min(1, -log10(p) / 6), so p = 1e-3 scores 50 and
 * p <= 1e-6 scores 100. NaN stays NaN.
 */
export function probabilityToScore(p: number): number {
  if (Number.isNaN(p)) return NaN;
  return 100 * Math.min(1, Math.max(0, -Math.log10(Math.max(p, 1e-300)) / 6));
}
