import { SortedWindow, checkParam } from './rolling';
import { emptyOutput, type Detector, type DetectorInput, type DetectorModel, type DetectorOutput } from './types';

export interface NoveltyParams {
  /** how many earlier points a value is compared with (the trailing history, in points) */
  history: number;
  /** earlier novelty distances needed before a point is judged (for their mean and standard deviation) */
  minPoints: number;
  /** length in points of the trailing mean whose novelty is also judged (the recent level; 0 = off) */
  level: number;
  /** weight of the level's novelty against the value's (0-1): the level counts when weight · z beats it */
  levelWeight: number;
}

export interface NoveltyModel extends DetectorModel {
  kind: 'novelty';
  params: NoveltyParams;
}

/**
 * Novelty: how far each value (and the recent level) lies from the nearest value the series has taken before,
 * compared with the novelties seen so far.
 *
 * - value novelty d_t = min over the `history` present points j < t of |x_t - x_j| (0 for a value seen
 *   before, large for a level never visited: a new maximum or minimum, a shift into an empty range);
 * - level novelty: the same distance for the trailing mean of `level` points among earlier trailing means
 *   (a change of level or density that single values hide);
 * - each is standardised against the mean and standard deviation of its own earlier distances,
 *   z_t = (d_t - mean) / sd (so a novelty counts by how it compares with past ones, in any unit), and
 *   raw score = max(z_value, levelWeight · z_level), at least 0. NaN until `minPoints` earlier distances.
 * No expected value or band. The ensemble calibrates the raw score as the normal deviate it is
 * (`calibration: 'standard'`).
 *
 * Method: nearest-neighbour distance novelty (Pimentel, Clifton, Clifton & Tarassenko, "A review of novelty
 * detection", Signal Processing 99, 2014, section 4.1), in one dimension over a sorted trailing window; the
 * value part is the "spatial anomaly" idea of Numenta's NAB detector (a value outside the range seen so far),
 * generalised to any unseen range. Chosen and tuned on the NAB development subset (docs/benchmarks.md).
 * O(n log h) comparisons plus O(n·h) element moves for h = history; causal.
 *
 * @example noveltyDetector.score(noveltyDetector.fit(train), input).score // [NaN, …, 0, 0, 6.2, 0, …]
 */
export const noveltyDetector: Detector<NoveltyParams, NoveltyModel> = {
  name: 'novelty',
  family: 'statistical',
  description: 'novelty of each value and of the recent level against all values seen before',
  defaults: { history: 10000, minPoints: 20, level: 24, levelWeight: 0.2 },
  causal: true,
  calibration: 'standard',
  fit(_train: DetectorInput, params: Partial<NoveltyParams> = {}): NoveltyModel {
    const p = { ...noveltyDetector.defaults, ...params };
    checkParam('novelty', 'history', p.history, 1, true);
    checkParam('novelty', 'minPoints', p.minPoints, 1, true);
    checkParam('novelty', 'level', p.level, 0, true);
    checkParam('novelty', 'levelWeight', p.levelWeight, 0);
    return { kind: 'novelty', version: 1, params: p };
  },
  score(model: NoveltyModel, input: DetectorInput): DetectorOutput {
    const { history, minPoints, level, levelWeight } = model.params;
    const out = emptyOutput(input.values.length);
    const value = standardised(nearestDistances(input.values, history), minPoints);
    const levels =
      level > 0 && levelWeight > 0
        ? standardised(nearestDistances(trailingMean(input.values, level), history), minPoints)
        : undefined;
    for (let i = 0; i < out.score.length; i++) {
      const a = value[i];
      const b = levels ? levelWeight * levels[i] : NaN;
      const z = Number.isNaN(a) ? b : Number.isNaN(b) ? a : Math.max(a, b);
      if (!Number.isNaN(z) && !Number.isNaN(input.values[i])) out.score[i] = Math.max(0, z);
    }
    return out;
  },
};

/**
 * Distance from each present value to the nearest of the `history` present values before it (NaN for a
 * missing value or when none came before). O(n log h + n·h).
 */
export function nearestDistances(values: Float64Array, history: number): Float64Array {
  const out = new Float64Array(values.length).fill(NaN);
  const window = new SortedWindow(history);
  // the window's values in arrival order (a ring over `history` slots; `head` is the oldest once full)
  const ring = new Float64Array(history);
  let head = 0;
  for (let i = 0; i < values.length; i++) {
    const x = values[i];
    if (Number.isNaN(x)) continue;
    if (window.size > 0) out[i] = window.nearestDistance(x);
    if (window.size === history) window.remove(ring[head]);
    ring[head] = x;
    head = (head + 1) % history;
    window.insert(x);
  }
  return out;
}

/** Cap of a standardised novelty: the first change of a constant series is MAX_Z, not Infinity. */
const MAX_Z = 1000;

/** Each score standardised against the mean and population sd of the present scores before it (Welford). */
function standardised(scores: Float64Array, minPoints: number): Float64Array {
  const out = new Float64Array(scores.length).fill(NaN);
  let count = 0;
  let mean = 0;
  let m2 = 0;
  for (let i = 0; i < scores.length; i++) {
    const x = scores[i];
    if (Number.isNaN(x)) continue;
    if (count >= minPoints) {
      const sd = Math.sqrt(m2 / count);
      out[i] = sd > 0 ? Math.min(MAX_Z, (x - mean) / sd) : x > mean ? MAX_Z : 0;
    }
    count++;
    const delta = x - mean;
    mean += delta / count;
    m2 += delta * (x - mean);
  }
  return out;
}

/** Mean of the present values among the trailing `length` points (NaN when fewer than half are present). */
function trailingMean(values: Float64Array, length: number): Float64Array {
  const out = new Float64Array(values.length).fill(NaN);
  let sum = 0;
  let present = 0;
  for (let i = 0; i < values.length; i++) {
    if (!Number.isNaN(values[i])) {
      sum += values[i];
      present++;
    }
    const old = i - length;
    if (old >= 0 && !Number.isNaN(values[old])) {
      sum -= values[old];
      present--;
    }
    if (i >= length - 1 && present * 2 >= length) out[i] = sum / present;
  }
  return out;
}
