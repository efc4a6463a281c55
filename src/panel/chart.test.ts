import type { MarkerEvent } from '../datasource/transforms';
import {
  bandPath,
  invert,
  linePath,
  markerGeometry,
  project,
  Scale,
  ticks,
  timeTicks,
  xDomain,
  yDomain,
} from './chart';

const x: Scale = { domain: [0, 100], range: [0, 200] };
const y: Scale = { domain: [0, 10], range: [100, 0] };

describe('scales', () => {
  it('projects and inverts linearly, y growing down', () => {
    expect(project(x, 50)).toBe(100);
    expect(project(y, 10)).toBe(0);
    expect(project(y, 0)).toBe(100);
    expect(invert(x, 100)).toBe(50);
  });

  it('y domain pads finite values by 5% and survives empty and constant input', () => {
    expect(yDomain([[0, 10, NaN]])).toEqual([-0.5, 10.5]);
    expect(yDomain([[NaN]])).toEqual([0, 1]);
    expect(yDomain([[3, 3]])).toEqual([2, 4]);
  });

  it('x domain extends to the last forecast point only when forecasts are shown', () => {
    const f = { time: Float64Array.from([50, 150]) } as never;
    expect(xDomain([0, 100], [f], true)).toEqual([0, 150]);
    expect(xDomain([0, 100], [f], false)).toEqual([0, 100]);
  });
});

describe('paths', () => {
  it('breaks the line at missing points', () => {
    expect(linePath([0, 50, 100], [0, NaN, 10], x, y)).toBe('M0.0,100.0M200.0,0.0');
    expect(linePath([0, 50], [0, 5], x, y)).toBe('M0.0,100.0L100.0,50.0');
  });

  it('draws one closed polygon per run where both bounds exist', () => {
    const d = bandPath([0, 50, 100], [1, NaN, 1], [9, 9, 9], x, y);
    expect(d.match(/Z/g)).toHaveLength(2);
    expect(bandPath([0, 100], [0, 0], [10, 10], x, y)).toBe('M0.0,0.0L200.0,0.0L200.0,100.0L0.0,100.0Z');
  });
});

describe('markerGeometry', () => {
  const ev = (id: string, start: number, severity: MarkerEvent['severity'], actual = 5): MarkerEvent => ({
    id,
    start,
    end: start + 10,
    peak: start + 5,
    severity,
    score: 80,
    expected: 2,
    actual,
    direction: 'above',
    confidence: 1,
    detectors: {},
    labels: {},
    feedback: '',
    title: '',
  });

  it('puts a marker at the peak and actual value, filters by severity and range, worst on top', () => {
    const m = markerGeometry(
      [ev('a', 10, 'critical'), ev('b', 20, 'warning'), ev('c', 500, 'critical'), ev('d', 30, 'major')],
      x,
      y,
      'major'
    );
    expect(m.map((g) => g.event.id)).toEqual(['d', 'a']);
    expect(m[1]).toMatchObject({ cx: 30, cy: 50, x0: 20, x1: 40 });
  });

  it('places a marker without an actual value at the top', () => {
    expect(markerGeometry([ev('a', 10, 'minor', NaN)], x, y, 'warning')[0].cy).toBe(0);
  });
});

describe('ticks', () => {
  it('uses round steps', () => {
    expect(ticks([0, 10], 5)).toEqual([0, 2, 4, 6, 8, 10]);
    expect(timeTicks([0, 3600000], 4)).toEqual([0, 900000, 1800000, 2700000, 3600000]);
  });
});
