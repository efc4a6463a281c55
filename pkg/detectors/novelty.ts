import { SortedWindow, checkParam } from './rolling';
import { emptyOutput, type Detector, type DetectorInput, type DetectorModel, type DetectorOutput } from './types';

export interface NoveltyParams {
  /** how many earlier points a value is compared with (the trailing history, in points) */
  history: number;
  /** earlier present values needed before a point is judged */
  minPoints: number;
}

export interface NoveltyModel extends DetectorModel {
  kind: 'novelty';
  params: NoveltyParams;
}

/**
 * Value novelty: how far each value lies from the nearest value the series has taken before.
 * Raw score = min over the `history` present points before t of |x_t - x_j| (value units); 0 for a value
 * seen before, large for a level the series has never visited (a new maximum or minimum, a shift into an
 * empty range). No expected value or band.
 *
 * Its raw scores are mostly near 0 with rare large jumps, so the ensemble calibrates them with a normal
 * tail over past scores (`calibration: 'normal'`): a novelty counts by how it compares with the novelties
 * seen so far.
 *
 * Method: nearest-neighbour distance novelty (Pimentel, Clifton, Clifton & Tarassenko, "A review of novelty
 * detection", Signal Processing 99, 2014, section 4.1), in one dimension over a sorted trailing window; the
 * same idea as the "spatial anomaly" check of Numenta's NAB detector (a value outside the range seen so far).
 * O(n log h + n·h) worst case for h = history (insertion into a sorted typed array); causal.
 *
 * @example novelty.score(novelty.fit(train), input).score // [NaN, …, 0, 0, 37.5, 0, …]
 */
export const novelty: Detector<NoveltyParams, NoveltyModel> = {
  name: 'novelty',
  family: 'statistical',
  description: 'distance of each value from the nearest value seen before (new levels, new extremes)',
  defaults: { history: 10000, minPoints: 20 },
  causal: true,
  calibration: 'normal',
  fit(_train: DetectorInput, params: Partial<NoveltyParams> = {}): NoveltyModel {
    const p = { ...novelty.defaults, ...params };
    checkParam('novelty', 'history', p.history, 1, true);
    checkParam('novelty', 'minPoints', p.minPoints, 1, true);
    return { kind: 'novelty', version: 1, params: p };
  },
  score(model: NoveltyModel, input: DetectorInput): DetectorOutput {
    const { history, minPoints } = model.params;
    const values = input.values;
    const out = emptyOutput(values.length);
    const window = new SortedWindow(history);
    // the window's values in arrival order (a ring over `history` slots; `head` is the oldest once full)
    const ring = new Float64Array(history);
    let head = 0;
    for (let i = 0; i < values.length; i++) {
      const x = values[i];
      if (Number.isNaN(x)) continue;
      if (window.size >= minPoints) out.score[i] = window.nearestDistance(x);
      if (window.size === history) window.remove(ring[head]);
      ring[head] = x;
      head = (head + 1) % history;
      window.insert(x);
    }
    return out;
  },
};
