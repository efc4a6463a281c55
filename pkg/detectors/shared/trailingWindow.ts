import { createRing, pushRing, type Ring } from './ring';
import { createScaleFloor, observeScale, type ScaleFloor } from './scaleFloor';
import { createSeasonalBaseline, pushSeasonal, seasonalExpected, type SeasonalBaseline } from './seasonalBaseline';
import { createSortedBuffer, removeSorted, replaceSorted, type SortedBuffer } from './sortedBuffer';

/**
 * The trailing window the rolling detectors judge a point against: the last `window` points (present values
 * sorted, plus running sums), optionally of seasonal residuals (value minus the seasonal-naive baseline, see
 * `seasonalBaseline`), and an online scale floor. A point is judged against the points before it, then added.
 */
export interface TrailingWindow {
  ring: Ring;
  sorted: SortedBuffer;
  sum: number;
  sumSq: number;
  season: SeasonalBaseline | null;
  floor: ScaleFloor;
}

export function createTrailingWindow(window: number, season: number): TrailingWindow {
  return {
    ring: createRing(window),
    sorted: createSortedBuffer(window),
    sum: 0,
    sumSq: 0,
    season: season > 1 ? createSeasonalBaseline(season) : null,
    floor: createScaleFloor(),
  };
}

/**
 * The seasonal baseline for the next point (0 without a season; NaN while the season has no history) and the value
 * the window judges (x minus that baseline).
 */
export function baselineOf(w: TrailingWindow): number {
  return w.season ? seasonalExpected(w.season) : 0;
}

/** Add the point (x and its baseline, as returned by `baselineOf` before). */
export function advanceWindow(w: TrailingWindow, x: number, base: number): void {
  if (w.season) pushSeasonal(w.season, x);
  const r = Number.isNaN(x) || Number.isNaN(base) ? NaN : x - base;
  observeScale(w.floor, r);
  const old = pushRing(w.ring, r);
  if (!Number.isNaN(old)) {
    w.sum -= old;
    w.sumSq -= old * old;
  }
  if (!Number.isNaN(r)) {
    w.sum += r;
    w.sumSq += r * r;
    replaceSorted(w.sorted, old, r);
  } else if (!Number.isNaN(old)) removeSorted(w.sorted, old);
}
