import { createTheme, FieldType, toDataFrame } from '@grafana/data';

import { detectionToFrames, eventsToAnnotationFrame, type MarkerEvent } from '../datasource/transforms';
import { outlierMeta, outliersToFrames } from '../datasource/outlierTransforms';
import type { OutlierResult, OutlierSeries, SeriesResult } from '../../pkg/contract';
import {
  bandOpacity,
  driftBadge,
  eventsAt,
  markerRowNear,
  fitLegend,
  LEGEND_ITEM_EXTRA_PX,
  LEGEND_PAD_PX,
  LEGEND_ROW_PX,
  legendNames,
  formatP,
  outlierPeriods,
  placeMarkers,
  plotFrames,
  plotTimeRange,
  splitFrames,
  ticksInside,
} from './layout';

const theme = createTheme();
const series = (host: string, base: number): SeriesResult => ({
  labels: { __name__: 'requests', host },
  intervalMs: 60000,
  points: [0, 1, 2].map((i) => ({
    t: i * 60000,
    value: base + i,
    expected: base,
    lower: base - 1,
    upper: base + 1,
    score: i === 2 ? 90 : 0,
    anomaly: i === 2,
  })),
});
const event = (over: Partial<MarkerEvent>): MarkerEvent => ({
  id: 'x',
  start: 60000,
  end: 120000,
  peak: 120000,
  severity: 'major',
  score: 60,
  expected: 10,
  actual: 12,
  direction: 'up',
  confidence: 1,
  detectors: {},
  labels: { __name__: 'requests', host: 'a' },
  feedback: '',
  title: '',
  ...over,
});

describe('splitFrames', () => {
  it('sorts Vigil series, anomalies (once each), forecasts and plain frames', () => {
    const frames = detectionToFrames(
      {
        series: [series('a', 10)],
        anomalies: [],
        forecast: [
          { labels: { __name__: 'requests', host: 'a' }, points: [{ t: 240000, mean: 1, lower: 0, upper: 2 }] },
        ],
      },
      'A'
    );
    const ann = eventsToAnnotationFrame([{ ...event({}), confidence: 1, explanation: '' } as never], 'A');
    const plain = toDataFrame({
      fields: [
        { name: 'time', type: FieldType.time, values: [0] },
        { name: 'v', type: FieldType.number, values: [1] },
      ],
    });
    const p = splitFrames([...frames, plain], [ann, ann]);
    expect(p.series).toHaveLength(1);
    expect(p.forecasts).toHaveLength(1);
    expect(p.plain).toEqual([plain]);
    expect(p.events).toHaveLength(1);
    expect(p.events[0].refId).toBe('A');
  });
});

describe('plotFrames', () => {
  const p = splitFrames(detectionToFrames({ series: [series('a', 10), series('b', 50)], anomalies: [] }, 'A'));

  it("draws each band and expected value in its series' resolved colour, score and anomaly fields hidden", () => {
    const out = plotFrames(p, { showBand: true, showExpected: true, showForecast: true }, theme);
    const b = out[1].fields;
    const colour = theme.visualization.getColorByName('semi-dark-yellow');
    for (const n of ['expected', 'lower', 'upper']) {
      expect(b.find((f) => f.name === n)!.config.color).toEqual({ mode: 'fixed', fixedColor: colour });
    }
    expect(b.find((f) => f.name === 'anomaly score')!.config.custom.hideFrom.viz).toBe(true);
    expect(b.find((f) => f.name === 'anomaly')!.config.custom.hideFrom.viz).toBe(true);
    // two overlapping bands are fainter than one
    expect(b.find((f) => f.name === 'upper')!.config.custom.fillOpacity).toBe(bandOpacity(20, 2));
    expect(bandOpacity(20, 2)).toBeLessThan(20);
  });

  it('hides the band and the expected value with the options, and with a hidden series', () => {
    const off = plotFrames(p, { showBand: false, showExpected: false, showForecast: true }, theme);
    for (const n of ['expected', 'lower', 'upper']) {
      expect(off[0].fields.find((f) => f.name === n)!.config.custom.hideFrom.viz).toBe(true);
    }
    const hidden = {
      ...p,
      series: [
        {
          ...p.series[0],
          fields: p.series[0].fields.map((f) =>
            f.name === 'value' ? { ...f, config: { ...f.config, custom: { hideFrom: { viz: true } } } } : f
          ),
        },
      ],
    };
    const out = plotFrames(hidden, { showBand: true, showExpected: true, showForecast: true }, theme);
    expect(out[0].fields.find((f) => f.name === 'upper')!.config.custom.hideFrom.viz).toBe(true);
  });

  it('never mutates the frames it is given', () => {
    const before = JSON.stringify(p.series.map((f) => f.fields.map((x) => x.config)));
    plotFrames(p, { showBand: false, showExpected: false, showForecast: false }, theme);
    expect(JSON.stringify(p.series.map((f) => f.fields.map((x) => x.config)))).toBe(before);
  });
});

describe('plotTimeRange', () => {
  const fc = splitFrames(
    detectionToFrames(
      {
        series: [],
        anomalies: [],
        forecast: [{ labels: {}, points: [{ t: 5000, mean: 1, lower: 0, upper: 2 }] }],
      },
      'A'
    )
  ).forecasts;
  it('extends to the last forecast point only when forecasts are shown', () => {
    expect(plotTimeRange({ from: 0, to: 1000 }, fc, true)).toEqual({ from: 0, to: 5000 });
    expect(plotTimeRange({ from: 0, to: 1000 }, fc, false)).toEqual({ from: 0, to: 1000 });
  });
});

describe('placeMarkers and eventsAt', () => {
  const events = [
    event({ id: 'w', severity: 'warning', peak: 60000 }),
    event({ id: 'c', severity: 'critical' }),
    event({ id: 'out', start: 900000, end: 960000, peak: 900000 }),
  ];
  it('places markers at peak and actual value, worst on top, leaving out weaker and out-of-range ones', () => {
    const placed = placeMarkers(
      events,
      (t) => t / 1000,
      (e) => 100 - e.actual,
      { from: 0, to: 180000 },
      'warning'
    );
    expect(placed.map((p) => p.event.id)).toEqual(['w', 'c']);
    expect(placed[1]).toMatchObject({ left: 120, top: 88, x0: 60, x1: 120 });
    expect(
      placeMarkers(
        events,
        (t) => t,
        () => 0,
        { from: 0, to: 180000 },
        'major'
      ).map((p) => p.event.id)
    ).toEqual(['c']);
    expect(
      placeMarkers(
        events,
        (t) => t,
        () => 0,
        { from: 0, to: 180000 },
        'warning',
        (e) => e.id === 'c'
      )
    ).toHaveLength(1);
  });
  it('finds the anomalies under the cursor, worst first', () => {
    expect(eventsAt(events, 130000, 15000, 'warning').map((e) => e.id)).toEqual(['c', 'w']);
    expect(eventsAt(events, 130000, 0, 'warning')).toEqual([]);
  });
});

describe('markerRowNear', () => {
  // two days of 5-minute rows; markers peak at rows 100 and 560
  const STEP = 300_000;
  const xs = Float64Array.from({ length: 576 }, (_, i) => 1_700_000_000_000 + i * STEP);
  const peaks = [xs[560], xs[100]];

  test('a pointer within the slack of a peak takes the peak row, even nearer another row', () => {
    // 1.4 rows before the peak: the nearest row is 559, the marker's is 560
    expect(markerRowNear(xs, peaks, xs[560] - 1.4 * STEP, 2 * STEP)).toBe(560);
    expect(markerRowNear(xs, peaks, xs[100] + 0.6 * STEP, 2 * STEP)).toBe(100);
  });

  test('outside the slack, or with no markers or rows, nothing is snapped', () => {
    expect(markerRowNear(xs, peaks, xs[560] - 3 * STEP, 2 * STEP)).toBeUndefined();
    expect(markerRowNear(xs, [], xs[560], 2 * STEP)).toBeUndefined();
    expect(markerRowNear([], peaks, xs[560], 2 * STEP)).toBeUndefined();
  });

  test('the nearer of two peaks wins; a peak between rows takes the nearer row', () => {
    const close = [xs[300], xs[303]];
    expect(markerRowNear(xs, close, xs[302], 2 * STEP)).toBe(303);
    expect(markerRowNear(xs, [xs[40] + 0.7 * STEP], xs[41], STEP)).toBe(41);
  });

  test('a peak with no row within the slack (a gap in the series) is not snapped to a far row', () => {
    const gappy = [0, STEP, 10 * STEP];
    expect(markerRowNear(gappy, [5 * STEP], 5 * STEP, STEP)).toBeUndefined();
  });
});

describe('driftBadge', () => {
  it('names the drifting jobs, else the job without drift', () => {
    expect(driftBadge([])).toBeUndefined();
    expect(driftBadge([{ job: 'cpu', drifting: false, pValue: 0.42 }])).toMatchObject({
      drifting: false,
      text: 'No drift: cpu (p=0.42)',
    });
    expect(
      driftBadge([
        { job: 'cpu', drifting: true, pValue: 0.00001 },
        { job: 'mem', drifting: false, pValue: 0.3 },
      ])
    ).toMatchObject({ drifting: true, text: 'Drifting: cpu (p=1.0e-5)' });
    expect(formatP(NaN)).toBe('n/a');
  });
});

describe('peer-group outliers in the panel', () => {
  const T = [0, 60000, 120000, 180000];
  const member = (host: string, outlier: boolean): OutlierSeries => ({
    labels: { __name__: 'cpu', host },
    outlier,
    score: outlier ? 90 : 10,
    intervals: outlier ? [{ start: 60000, end: 120000 }] : [],
    points: T.map((t) => ({ t, value: outlier ? 50 : 10, score: 0, outlier: false })),
  });
  const res: OutlierResult = {
    algorithm: 'mad',
    sensitivity: 0.5,
    minDuration: 2,
    intervalMs: 60000,
    band: T.map((t) => ({ t, median: 10, lower: 8, upper: 12 })),
    series: [member('a', false), member('b', true), member('c', false)],
    warnings: [],
  };

  it('plots the band and every series as styled, shades the outlier’s periods in its resolved colour', () => {
    const frames = outliersToFrames(res, 'A');
    const p = splitFrames(frames.slice(0, 4), frames.slice(4));
    expect(p.outliers).toHaveLength(4);
    expect(p.events).toEqual([]);
    const plotted = plotFrames(p, { showBand: true, showExpected: true, showForecast: false }, theme);
    expect(plotted.map((f) => f.name)).toEqual(['normal band', 'cpu{host="a"}', 'cpu{host="c"}', 'cpu{host="b"}']);
    expect(plotFrames(p, { showBand: false, showExpected: true, showForecast: false }, theme)).toHaveLength(3);
    expect(outlierPeriods(p, theme)).toEqual([
      {
        name: 'cpu{host="b"} (outlier)',
        start: 60000,
        end: 120000,
        color: theme.visualization.getColorByName('red'),
        score: 90,
      },
    ]);
  });

  it('leaves out the periods of an outlier hidden from the plot', () => {
    const frames = outliersToFrames(res, 'A');
    const hidden = frames.map((f) =>
      outlierMeta(f)?.outlier
        ? {
            ...f,
            fields: f.fields.map((x) =>
              x.name === 'value'
                ? { ...x, config: { ...x.config, custom: { ...x.config.custom, hideFrom: { viz: true } } } }
                : x
            ),
          }
        : f
    );
    expect(outlierPeriods(splitFrames(hidden), theme)).toEqual([]);
  });
});

describe('fitLegend and ticksInside (small panels)', () => {
  const five = ['a', 'b', 'c', 'd', 'e'].map((h) => `requests{host="${h}"}`);
  const width = () => 122; // what such a name measures at 12 px

  it('leaves a legend that fits, a table legend and a legend placed at the right as they are', () => {
    expect(fitLegend(five, width, 1000, 360, 'bottom', 'list')).toEqual({ placement: 'bottom', rows: 1 });
    expect(fitLegend(five, width, 420, 200, 'right', 'list')).toBeUndefined();
    expect(fitLegend(five, width, 420, 200, 'bottom', 'table')).toBeUndefined();
    expect(fitLegend([], width, 420, 200, 'bottom', 'list')).toBeUndefined();
  });

  it('moves five series of a 420 x 200 panel to a column at the right, where all of them fit', () => {
    const fit = fitLegend(five, width, 404, 192, 'bottom', 'list')!;
    expect(fit.placement).toBe('right');
    expect(fit.rows).toBe(3); // two items a row at the bottom: three rows, more than 35% of 192 px
    // (and whole rows, should Grafana keep the legend at the bottom of a narrow window)
    expect((fit.maxHeight! - LEGEND_PAD_PX) / LEGEND_ROW_PX).toBeCloseTo(2, 0);
  });

  it('keeps whole rows at the bottom when no column fits: the legend scrolls, no row is cut', () => {
    const fit = fitLegend(five, width, 284, 192, 'bottom', 'list')!;
    expect(fit).toMatchObject({ placement: 'bottom', rows: 5 });
    const rows = (fit.maxHeight! - LEGEND_PAD_PX) / LEGEND_ROW_PX;
    expect(Math.abs(rows - Math.round(rows))).toBeLessThan(0.05);
    expect(fit.maxHeight!).toBeLessThanOrEqual(192 * 0.35);
    // at least one row however low the panel
    expect(fitLegend(five, width, 284, 40, 'bottom', 'list')!.maxHeight).toBe(Math.ceil(LEGEND_PAD_PX + LEGEND_ROW_PX));
    expect(LEGEND_ITEM_EXTRA_PX).toBeGreaterThan(0);
  });

  it('keeps a tick label only when its centred box lies inside the canvas', () => {
    expect(ticksInside([10, 100, 395], [40, 40, 40], 400)).toEqual([false, true, false]);
    expect(ticksInside([20, 380], [40, 40], 400)).toEqual([true, true]);
    expect(ticksInside([0], [0], 400)).toEqual([true]);
  });

  it('names the legend items as Grafana lists them: series, not their bands, scores or anomaly points', () => {
    const p = splitFrames(detectionToFrames({ series: [series('a', 10), series('b', 50)], anomalies: [] }, 'A'));
    const plotted = plotFrames(p, { showBand: true, showExpected: true, showForecast: true }, theme);
    const names = legendNames(plotted);
    expect(names).toHaveLength(2);
    expect(names[0]).toContain('host="a"');
    expect(names[1]).toContain('host="b"');
  });
});
