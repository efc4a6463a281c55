/**
 * Pure geometry of the overlay chart: scales, SVG paths with gaps for missing points, the band polygon
 * and marker positions. No DOM, no clock, so it is unit tested directly. Pixels are in the plot area's
 * coordinates (x grows right, y grows down).
 */
import { SEVERITY_RANK } from '../constants';
import type { MarkerEvent, SeriesColumns } from '../datasource/transforms';
import type { Severity } from '../../pkg/contract';

export interface Scale {
  /** domain [min, max] */
  domain: [number, number];
  /** range [start px, end px] */
  range: [number, number];
}

/** Map a domain value to pixels (linear); the domain midpoint when the domain is empty. */
export function project(scale: Scale, v: number): number {
  const [d0, d1] = scale.domain;
  const [r0, r1] = scale.range;
  if (d1 === d0) return (r0 + r1) / 2;
  return r0 + ((v - d0) / (d1 - d0)) * (r1 - r0);
}

/** Inverse of `project`. */
export function invert(scale: Scale, px: number): number {
  const [d0, d1] = scale.domain;
  const [r0, r1] = scale.range;
  if (r1 === r0) return d0;
  return d0 + ((px - r0) / (r1 - r0)) * (d1 - d0);
}

/**
 * The y domain covering every finite value of the given arrays, padded by 5% each side; [0, 1] when
 * there is none, and ±1 around a constant.
 */
export function yDomain(arrays: ArrayLike<number>[]): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (const a of arrays) {
    for (let i = 0; i < a.length; i++) {
      const v = a[i];
      if (Number.isFinite(v)) {
        if (v < lo) lo = v;
        if (v > hi) hi = v;
      }
    }
  }
  if (lo === Infinity) return [0, 1];
  if (lo === hi) return [lo - 1, hi + 1];
  const pad = (hi - lo) * 0.05;
  return [lo - pad, hi + pad];
}

/**
 * SVG path `M x y L x y ...` through the finite points; a missing (NaN) value breaks the line
 * (a new `M`), so gaps show as gaps.
 */
export function linePath(time: ArrayLike<number>, values: ArrayLike<number>, x: Scale, y: Scale): string {
  let d = '';
  let pen = false;
  for (let i = 0; i < time.length; i++) {
    const v = values[i];
    if (!Number.isFinite(v) || !Number.isFinite(time[i])) {
      pen = false;
      continue;
    }
    d += `${pen ? 'L' : 'M'}${project(x, time[i]).toFixed(1)},${project(y, v).toFixed(1)}`;
    pen = true;
  }
  return d;
}

/**
 * The band as closed polygons (`M ... Z`), one per run of points where both bounds are finite:
 * along `upper` forwards, then along `lower` backwards.
 */
export function bandPath(
  time: ArrayLike<number>,
  lower: ArrayLike<number>,
  upper: ArrayLike<number>,
  x: Scale,
  y: Scale
): string {
  let d = '';
  let run: number[] = [];
  const flush = () => {
    if (run.length >= 1) {
      const up = run.map(
        (i, k) => `${k === 0 ? 'M' : 'L'}${project(x, time[i]).toFixed(1)},${project(y, upper[i]).toFixed(1)}`
      );
      const down = [...run]
        .reverse()
        .map((i) => `L${project(x, time[i]).toFixed(1)},${project(y, lower[i]).toFixed(1)}`);
      d += up.join('') + down.join('') + 'Z';
    }
    run = [];
  };
  for (let i = 0; i < time.length; i++) {
    if (Number.isFinite(lower[i]) && Number.isFinite(upper[i]) && Number.isFinite(time[i])) run.push(i);
    else flush();
  }
  flush();
  return d;
}

/** Whether a marker of this severity passes the panel's minimum-severity option. */
export function passesSeverity(sev: Severity, min: Severity): boolean {
  return SEVERITY_RANK[sev] >= SEVERITY_RANK[min];
}

export interface MarkerGeometry {
  event: MarkerEvent;
  /** x of the peak */
  cx: number;
  /** y of the actual value at the peak (top of the plot when unknown) */
  cy: number;
  /** region from start to end, at least 2 px wide */
  x0: number;
  x1: number;
}

/**
 * Marker positions for events within the x domain that pass `minSeverity`, worst last (drawn on top).
 */
export function markerGeometry(events: MarkerEvent[], x: Scale, y: Scale, minSeverity: Severity): MarkerGeometry[] {
  const [t0, t1] = x.domain;
  return events
    .filter((e) => passesSeverity(e.severity, minSeverity) && e.end >= t0 && e.start <= t1)
    .sort((a, b) => SEVERITY_RANK[a.severity] - SEVERITY_RANK[b.severity] || a.start - b.start)
    .map((event) => {
      const x0 = project(x, Math.max(event.start, t0));
      const x1 = Math.max(project(x, Math.min(event.end, t1)), x0 + 2);
      const cy = Number.isFinite(event.actual) ? project(y, event.actual) : Math.min(y.range[0], y.range[1]);
      return { event, cx: project(x, Math.min(Math.max(event.peak, t0), t1)), cy, x0, x1 };
    });
}

/** About `count` round tick values over a domain (1, 2, 5 × 10^k steps). */
export function ticks(domain: [number, number], count: number): number[] {
  const [lo, hi] = domain;
  if (!(hi > lo) || count < 1) return [lo];
  const raw = (hi - lo) / count;
  const mag = Math.pow(10, Math.floor(Math.log10(raw)));
  const step = [1, 2, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? 10 * mag;
  const out: number[] = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step) out.push(Number(v.toPrecision(12)));
  return out;
}

const TIME_STEPS = [1, 5, 15, 30, 60, 300, 900, 1800, 3600, 3 * 3600, 6 * 3600, 12 * 3600, 86400, 7 * 86400].map(
  (s) => s * 1000
);

/** About `count` time ticks (epoch ms) on round steps (1 s ... 1 week). */
export function timeTicks(domain: [number, number], count: number): number[] {
  const [lo, hi] = domain;
  if (!(hi > lo) || count < 1) return [lo];
  const raw = (hi - lo) / count;
  const step =
    TIME_STEPS.find((s) => s >= raw) ??
    Math.ceil(raw / TIME_STEPS[TIME_STEPS.length - 1]) * TIME_STEPS[TIME_STEPS.length - 1];
  const out: number[] = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi; v += step) out.push(v);
  return out;
}

/** The x domain: the dashboard range, extended to the last forecast point when forecasts are shown. */
export function xDomain(range: [number, number], forecasts: SeriesColumns[], showForecast: boolean): [number, number] {
  const lo = range[0];
  let hi = range[1];
  if (showForecast) {
    for (const f of forecasts) {
      for (let i = 0; i < f.time.length; i++) if (Number.isFinite(f.time[i]) && f.time[i] > hi) hi = f.time[i];
    }
  }
  return [lo, hi];
}
