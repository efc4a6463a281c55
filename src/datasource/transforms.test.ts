import { DataTopic, FieldType } from '@grafana/data';

import type { AnomalyEvent, SeriesResult } from '../../pkg/contract';
import {
  annotationFramesToEvents,
  detectionToFrames,
  driftToFrame,
  eventsToAnnotationFrame,
  eventText,
  eventTitle,
  forecastToFrames,
  frameKind,
  frameToColumns,
  frameToDrift,
  frameToEvents,
  seriesName,
  seriesResultToFrame,
} from './transforms';
import { severityOf } from '../../pkg/contract/rules';

const series: SeriesResult = {
  labels: { __name__: 'requests', host: 'a' },
  intervalMs: 60000,
  points: [
    { t: 0, value: 10, expected: 11, lower: 8, upper: 14, score: 3, anomaly: false },
    { t: 60000, value: null, expected: 11, lower: 8, upper: 14, score: null, anomaly: false },
    { t: 120000, value: 40, expected: 11.5, lower: 8.5, upper: 14.5, score: 91, anomaly: true },
  ],
};

const event: AnomalyEvent = {
  start: 120000,
  end: 180000,
  labels: { __name__: 'requests', host: 'a' },
  severity: 'critical',
  score: 91.4,
  peak: 120000,
  detectors: { mad: 80, zscore: 95 },
  expected: 11.5,
  actual: 40,
  direction: 'above',
  confidence: 1,
  explanation: 'requests 40 above expected 11.5',
};

describe('severityOf', () => {
  it('uses the 75/50/25 bands', () => {
    expect([100, 75, 74.9, 50, 49, 25, 24.99, 0].map(severityOf)).toEqual([
      'critical',
      'critical',
      'major',
      'major',
      'minor',
      'minor',
      'warning',
      'warning',
    ]);
  });
});

describe('seriesName', () => {
  it('sorts labels and keeps the metric name in front', () => {
    expect(seriesName({ z: '1', __name__: 'm', a: '2' })).toBe('m{a="2", z="1"}');
    expect(seriesName({ __name__: 'm' })).toBe('m');
    expect(seriesName({})).toBe('series');
  });
});

describe('seriesResultToFrame', () => {
  const frame = seriesResultToFrame(series, 'A');

  it('has time, value, expected, lower, upper, anomaly score and anomaly columns with the points', () => {
    expect(frame.fields.map((f) => f.name)).toEqual([
      'time',
      'value',
      'expected',
      'lower',
      'upper',
      'anomaly score',
      'anomaly',
    ]);
    expect(frame.fields[0].type).toBe(FieldType.time);
    expect(Array.from(frame.fields[0].values)).toEqual([0, 60000, 120000]);
    expect(Array.from(frame.fields[1].values)).toEqual([10, null, 40]);
    expect(Array.from(frame.fields[4].values)).toEqual([14, 14, 14.5]);
    expect(Array.from(frame.fields[5].values)).toEqual([3, null, 91]);
    expect(frame.refId).toBe('A');
    expect(frameKind(frame)).toBe('series');
  });

  it('fills the band from upper down to the lower field by its display name', () => {
    const lower = frame.fields.find((f) => f.name === 'lower')!;
    const upper = frame.fields.find((f) => f.name === 'upper')!;
    expect(upper.config.custom.fillBelowTo).toBe(lower.config.displayNameFromDS);
    expect(lower.config.displayNameFromDS).toBe('requests{host="a"} lower');
  });

  it('keeps the labels on the value field and hides the score from the graph and the axes', () => {
    expect(frame.fields[1].labels).toEqual({ __name__: 'requests', host: 'a' });
    expect(frame.fields[5].config.custom.hideFrom.viz).toBe(true);
    expect(frame.fields[5].config.custom.axisPlacement).toBe('hidden');
    expect(frame.fields[5].config.max).toBe(100);
  });

  it('draws the anomalous points as a red point series at the value, null elsewhere', () => {
    const anomaly = frame.fields[6];
    expect(Array.from(anomaly.values)).toEqual([null, null, 40]);
    expect(anomaly.config.custom).toMatchObject({ drawStyle: 'points', showPoints: 'always' });
    expect(anomaly.config.color).toEqual({ mode: 'fixed', fixedColor: 'red' });
    expect(anomaly.config.displayNameFromDS).toBe('requests{host="a"} anomalies');
  });

  it('gives the value, the expected value and the band the series colour', () => {
    const blue = seriesResultToFrame(series, 'A', 'blue');
    for (const i of [1, 2, 3, 4]) expect(blue.fields[i].config.color).toEqual({ mode: 'fixed', fixedColor: 'blue' });
    // the default: the first colour of Grafana's classic palette
    expect(frame.fields[1].config.color).toEqual({ mode: 'fixed', fixedColor: 'green' });
  });

  it('reads back into columns with NaN for missing values', () => {
    const cols = frameToColumns(frame);
    expect(cols.value[1]).toBeNaN();
    expect(Array.from(cols.upper)).toEqual([14, 14, 14.5]);
    expect(cols.labels).toEqual(series.labels);
  });
});

describe('anomaly annotations', () => {
  it('title names the severity and the rounded score', () => {
    expect(eventTitle(event)).toBe('Critical anomaly (score 91)');
  });

  it('text lists voting detectors strongest first and expected vs actual', () => {
    const text = eventText(event);
    expect(text).toContain('Detectors: zscore 95, mad 80');
    expect(text).toContain('Expected 11.5, actual 40 (above)');
    expect(text).toContain('requests{host="a"}');
  });

  it('makes an annotation frame of regions sorted by start with tags and severity colours', () => {
    const early = { ...event, start: 0, end: 0, peak: 0, severity: 'minor' as const, score: 30, id: 'x1' };
    const frame = eventsToAnnotationFrame([{ ...event, id: 'x2', jobId: 'j1' }, early], 'B');
    expect(frame.meta?.dataTopic).toBe(DataTopic.Annotations);
    const col = (n: string) => Array.from(frame.fields.find((f) => f.name === n)!.values);
    expect(col('time')).toEqual([0, 120000]);
    expect(col('timeEnd')).toEqual([0, 180000]);
    expect(col('isRegion')).toEqual([false, true]);
    expect(col('color')).toEqual(['yellow', 'red']);
    expect(col('tags')[1]).toEqual(['vigil', 'critical', 'job=j1', '__name__=requests', 'host=a']);
    expect(col('id')).toEqual(['x1', 'x2']);
  });

  it('reads events back for the panel', () => {
    const frame = eventsToAnnotationFrame([{ ...event, id: 'e1', feedback: { verdict: 'expected' } }], 'A');
    const [back] = frameToEvents(frame);
    expect(back).toMatchObject({
      id: 'e1',
      start: 120000,
      end: 180000,
      severity: 'critical',
      score: 91.4,
      expected: 11.5,
      actual: 40,
      feedback: 'expected',
      detectors: { mad: 80, zscore: 95 },
    });
  });
});

describe('annotationFramesToEvents', () => {
  it('turns only the anomaly frame into annotation regions, never the data points', () => {
    const frames = detectionToFrames({ series: [series], anomalies: [{ ...event, jobId: 'j1' }] }, 'A');
    const events = annotationFramesToEvents(frames);
    expect(events).toEqual([
      {
        time: 120000,
        timeEnd: 180000,
        isRegion: true,
        title: 'Critical anomaly (score 91)',
        text: eventText(event),
        tags: ['vigil', 'critical', 'job=j1', '__name__=requests', 'host=a'],
        color: 'red',
      },
    ]);
    expect(annotationFramesToEvents([seriesResultToFrame(series, 'A')])).toEqual([]);
  });
});

describe('detectionToFrames', () => {
  it('returns series frames, then the anomaly frame, then forecasts', () => {
    const frames = detectionToFrames(
      {
        series: [series],
        anomalies: [event],
        forecast: [{ labels: { host: 'a' }, points: [{ t: 180000, mean: 12, lower: 9, upper: 15 }] }],
      },
      'A'
    );
    expect(frames.map(frameKind)).toEqual(['series', 'anomalies', 'forecast']);
  });

  it("colours the i-th series and its forecast with the palette's i-th colour", () => {
    const two = detectionToFrames(
      {
        series: [series, { ...series, labels: { __name__: 'requests', host: 'b' } }],
        anomalies: [],
        forecast: [
          { labels: { host: 'a' }, points: [] },
          { labels: { host: 'b' }, points: [] },
        ],
      },
      'A',
      ['green', 'semi-dark-yellow']
    );
    const colors = two.map((f) => f.fields[1]?.config.color?.fixedColor);
    expect(colors).toEqual(['green', 'semi-dark-yellow', undefined, 'green', 'semi-dark-yellow']);
  });

  it('copes with a response without anomalies', () => {
    const frames = detectionToFrames({ series: [], anomalies: [] }, 'A');
    expect(frames).toHaveLength(1);
    expect(frames[0].length).toBe(0);
  });
});

describe('forecastToFrames', () => {
  it('makes a dashed forecast frame whose upper bound fills to its lower bound', () => {
    const [f] = forecastToFrames(
      {
        series: [
          {
            labels: { __name__: 'rps' },
            points: [
              { t: 1000, mean: 5, lower: 4, upper: 6 },
              { t: 2000, mean: 6, lower: 4.5, upper: 7.5 },
            ],
          },
        ],
      },
      'F'
    );
    expect(f.fields.map((x) => x.name)).toEqual(['time', 'forecast', 'forecast lower', 'forecast upper']);
    expect(f.fields[3].config.custom.fillBelowTo).toBe('rps forecast lower');
    expect(f.fields[1].config.custom.lineStyle.fill).toBe('dash');
    const cols = frameToColumns(f);
    expect(Array.from(cols.value)).toEqual([5, 6]);
    expect(Array.from(cols.lower)).toEqual([4, 4.5]);
  });
});

describe('driftToFrame', () => {
  it('has a row per job with state and p-value, and reads back', () => {
    const frame = driftToFrame(
      {
        jobs: [
          { jobId: '1', name: 'api', drifting: true, pValue: 0.001, statistic: 0.4, checkedAt: 5 },
          { jobId: '2', name: 'web', drifting: false, pValue: 0.6, statistic: 0.05, checkedAt: 5 },
        ],
      },
      'D'
    );
    expect(Array.from(frame.fields.find((f) => f.name === 'state')!.values)).toEqual(['drifting', 'ok']);
    expect(frameToDrift(frame)).toEqual([
      { job: 'api', drifting: true, pValue: 0.001 },
      { job: 'web', drifting: false, pValue: 0.6 },
    ]);
  });
});
