import { addMoment, createMoments, type RunningMoments } from './moments';

/**
 * A positive floor for a detector's scale, learned online so a flat stretch does not divide by zero: 1% of the
 * mean absolute step between consecutive present values, or a millionth of the mean level, or 1e-9.
 * O(1) per point.
 */
export interface ScaleFloor {
  prev: number;
  steps: RunningMoments;
  level: RunningMoments;
}

export function createScaleFloor(): ScaleFloor {
  return { prev: NaN, steps: createMoments(), level: createMoments() };
}

export function observeScale(f: ScaleFloor, x: number): void {
  if (Number.isNaN(x)) return;
  if (!Number.isNaN(f.prev)) addMoment(f.steps, Math.abs(x - f.prev));
  addMoment(f.level, Math.abs(x));
  f.prev = x;
}

export function scaleFloor(f: ScaleFloor): number {
  return Math.max(1e-9, 0.01 * (f.steps.count ? f.steps.mean : 0), 1e-6 * (f.level.count ? f.level.mean : 0));
}
