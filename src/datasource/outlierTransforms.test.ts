import { DataTopic, FieldType } from '@grafana/data';

import type { OutlierResult, OutlierSeries } from '../../pkg/contract';
import {
  BAND_COLOR,
  outlierColors,
  outlierMeta,
  outliersToFrames,
  OUTLIER_COLORS,
  PEER_COLOR,
} from './outlierTransforms';
import { annotationFramesToEvents, frameKind } from './transforms';

const T = [0, 60_000, 120_000, 180_000];
const peer = (host: string, values: number[]): OutlierSeries => ({
  labels: { __name__: 'cpu', host },
  outlier: false,
  score: 20,
  intervals: [],
  points: T.map((t, i) => ({ t, value: values[i], score: 10, outlier: false })),
});

const res: OutlierResult = {
  algorithm: 'dbscan',
  sensitivity: 0.5,
  minDuration: 2,
  intervalMs: 60_000,
  band: T.map((t) => ({ t, median: 10, lower: 9, upper: 11 })),
  series: [
    peer('a', [10, 10, 10, 10]),
    {
      labels: { __name__: 'cpu', host: 'b' },
      outlier: true,
      score: 93.4,
      intervals: [{ start: 60_000, end: 180_000 }],
      points: T.map((t, i) => ({ t, value: i ? 40 : null, score: i ? 93.4 : null, outlier: i > 0 })),
    },
    peer('c', [9, 10, 11, 10]),
  ],
  warnings: [],
};

describe('outliersToFrames', () => {
  const frames = outliersToFrames(res, 'A');

  it('gives the band, the peers, then the outliers (drawn on top), then the outlying periods', () => {
    expect(frames.map(frameKind)).toEqual([
      'outlier band',
      'outlier series',
      'outlier series',
      'outlier series',
      'outlier periods',
    ]);
    expect(frames.slice(1, 4).map((f) => f.name)).toEqual(['cpu{host="a"}', 'cpu{host="c"}', 'cpu{host="b"}']);
    expect(frames.every((f) => f.refId === 'A')).toBe(true);
  });

  it('draws the outlier thick in its own colour and named so, its peers thin and grey', () => {
    const b = frames[3];
    const value = b.fields.find((f) => f.name === 'value')!;
    expect(value.config.color).toEqual({ mode: 'fixed', fixedColor: OUTLIER_COLORS[0] });
    expect(value.config.custom.lineWidth).toBe(3);
    expect(value.config.displayNameFromDS).toBe('cpu{host="b"} (outlier)');
    expect(value.values).toEqual([null, 40, 40, 40]);
    expect(outlierMeta(b)).toMatchObject({ outlier: true, score: 93.4, intervals: [{ start: 60_000, end: 180_000 }] });
    const a = frames[1].fields.find((f) => f.name === 'value')!;
    expect(a.config.color).toEqual({ mode: 'fixed', fixedColor: PEER_COLOR });
    expect(a.config.custom.lineWidth).toBe(1);
    // the score is in the tooltip only
    const score = b.fields.find((f) => f.name === 'outlier score')!;
    expect(score.config.custom.hideFrom).toEqual({ legend: true, tooltip: false, viz: true });
  });

  it('fills the band from upper down to lower in its own colour, out of the legend', () => {
    const band = frames[0];
    const upper = band.fields.find((f) => f.name === 'upper')!;
    expect(upper.config.custom.fillBelowTo).toBe('normal band lower');
    expect(band.fields.find((f) => f.name === 'lower')!.config.displayNameFromDS).toBe('normal band lower');
    expect(upper.values).toEqual([11, 11, 11, 11]);
    expect(upper.config.custom.hideFrom.legend).toBe(true);
    expect(upper.config.color).toEqual({ mode: 'fixed', fixedColor: BAND_COLOR });
    expect(OUTLIER_COLORS).not.toContain(BAND_COLOR);
  });

  it('marks each outlying period as an annotation region in the outlier’s colour', () => {
    const periods = frames[4];
    expect(periods.meta?.dataTopic).toBe(DataTopic.Annotations);
    expect(periods.fields.find((f) => f.name === 'time')!.type).toBe(FieldType.time);
    const events = annotationFramesToEvents(frames);
    expect(events).toEqual([
      {
        time: 60_000,
        timeEnd: 180_000,
        isRegion: true,
        title: 'Outlier: cpu{host="b"}',
        text: 'Behaves unlike its peers (highest outlier score 93)',
        tags: ['vigil', 'outlier'],
        color: OUTLIER_COLORS[0],
      },
    ]);
  });

  it('gives each outlier its own colour in turn', () => {
    expect(outlierColors([{ outlier: true }, { outlier: false }, { outlier: true }])).toEqual([
      OUTLIER_COLORS[0],
      PEER_COLOR,
      OUTLIER_COLORS[1],
    ]);
  });

  it('gives an empty periods frame and grey series when nothing is an outlier', () => {
    const calm = outliersToFrames({ ...res, series: [res.series[0], res.series[2], peer('d', [1, 2, 3, 4])] }, 'B');
    expect(calm[calm.length - 1].length).toBe(0);
    expect(calm.filter((f) => outlierMeta(f)?.outlier)).toEqual([]);
  });
});
