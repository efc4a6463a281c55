import type { IncidentEvent, IncidentJob } from '../incidents/types';
import { accuracy, parseTruthTime, windowsFromLabels } from './accuracy';
import { buildReport, bucketStart } from './model';
import { hourLabel, recurringPatterns } from './patterns';
import type { ReportInput } from './types';

const H = 3_600_000;
const D = 24 * H;
const DAY0 = Date.UTC(2018, 6, 22); // Sun 22 Jul 2018

function ev(p: Partial<IncidentEvent> & { metric: string; at: number }): IncidentEvent {
  const { metric, at, ...rest } = p;
  return {
    jobId: 'logs',
    intervalMs: H,
    start: at,
    end: at,
    peak: at,
    labels: { __name__: metric },
    severity: 'major',
    score: 60,
    detectors: { zscore: 70, mad: 60 },
    expected: 20,
    actual: 0,
    direction: 'below',
    confidence: 0.8,
    explanation: '',
    ...rest,
  };
}

const jobs: Record<string, IncidentJob> = { logs: { id: 'logs', name: 'logs.json.gz' } };

/** The web logs' shape: an outage, an error burst, and small events, two of them at the same hour. */
function weblogLike(): IncidentEvent[] {
  const outage = DAY0 + 30 * D + 11 * H; // Tue 21 Aug 11:00
  const burst = DAY0 + 41 * D + 12 * H; // Sat 1 Sep 12:00
  return [
    ev({ metric: 'rps', at: DAY0 + 3 * D + 12 * H, direction: 'above', actual: 1.35, expected: 1, score: 74 }),
    ev({ metric: 'requests', at: outage, end: outage + H, score: 64, expected: 22.6 }),
    ev({ metric: 'unique_clients', at: outage, end: outage + H, score: 65, expected: 22.6 }),
    ev({ metric: 'bytes', at: outage, end: outage + H, score: 74, expected: 122863 }),
    ev({ metric: 'errors', at: burst, direction: 'above', actual: 102, expected: 1, score: 100, confidence: 1 }),
    ev({ metric: 'rps', at: burst, direction: 'above', actual: 4.96, expected: 1, score: 100 }),
    ev({ metric: 'requests', at: burst, direction: 'above', actual: 124, expected: 25, score: 86 }),
    ev({ metric: 'bytes', at: DAY0 + 47 * D + 6 * H, actual: 2380, expected: 74161, score: 43 }),
    ev({ metric: 'bytes', at: DAY0 + 56 * D + 5 * H, score: 49, expected: 50980 }),
  ];
}

function input(over: Partial<ReportInput> = {}): ReportInput {
  return {
    title: 'Vigil report: logs',
    source: 'logs.json.gz',
    from: DAY0,
    to: DAY0 + 61 * D,
    period: '1d',
    generatedAt: DAY0 + 62 * D,
    events: weblogLike(),
    jobs,
    ...over,
  };
}

describe('report model', () => {
  test('incidents in triage order; the summary names the two strongest first, with dates and figures', () => {
    const r = buildReport(input());
    expect(r.totals).toMatchObject({ incidents: 5, events: 9, anomalousSeries: 5, days: 61 });
    expect(r.totals.bySeverity).toEqual({ critical: 1, major: 2, minor: 2, warning: 0 });
    expect(r.incidents.map((i) => i.kind).slice(0, 2)).toEqual(['error burst', 'outage']);
    expect(r.headline).toEqual(r.incidents.slice(0, 2).map((i) => i.id));
    const first = r.summary.paragraphs[0];
    expect(first).toMatch(/^Two incidents stand out\./);
    const burst = first.indexOf('Sat 1 Sep 2018 at 12:00 UTC');
    const outage = first.indexOf('Tue 21 Aug 2018 from 11:00 to 13:00 UTC');
    expect(burst).toBeGreaterThan(0);
    expect(outage).toBeGreaterThan(burst);
    expect(first).toContain('a burst of errors: errors 102 vs 1 expected');
    expect(first).toContain('an apparent outage');
    expect(r.summary.by).toBe('figures');
  });

  test('the same input gives the same report (no clock, no randomness)', () => {
    expect(JSON.stringify(buildReport(input()))).toBe(JSON.stringify(buildReport(input())));
  });

  test('timeline per day and per week, and incidents by hour of day', () => {
    const daily = buildReport(input());
    expect(daily.timeline).toHaveLength(61);
    expect(daily.timeline.reduce((s, b) => s + b.incidents, 0)).toBe(5);
    expect(daily.timeline[30]).toMatchObject({ label: '2018-08-21', incidents: 1, events: 3 });
    const weekly = buildReport(input({ period: '1w' }));
    expect(weekly.timeline[0].label).toBe('week of 2018-07-16'); // the Monday before Sun 22 Jul
    expect(weekly.timeline.reduce((s, b) => s + b.incidents, 0)).toBe(5);
    expect(daily.byHour[12]).toEqual({ hour: 12, incidents: 2, events: 4 });
    expect(daily.byHour[11].incidents).toBe(1);
    expect(bucketStart(Date.UTC(2018, 8, 2, 5), '1w')).toBe(Date.UTC(2018, 7, 27));
  });

  test('recurring patterns: same feature, same direction, same hour on two days', () => {
    const r = buildReport(input());
    expect(r.recurring).toEqual([
      {
        feature: 'rps',
        hours: [12],
        hourLabel: '12:00-13:00 UTC',
        days: ['2018-07-25', '2018-09-01'],
        direction: 'above',
      },
    ]);
    // requests was anomalous at 11:00-13:00 on 21 Aug (below) and 12:00 on 1 Sep (above): not one pattern
    expect(r.recurring.some((p) => p.feature === 'requests')).toBe(false);
    expect(r.summary.paragraphs[2]).toContain('rps was unusually high at 12:00-13:00 UTC on 2 days (25 Jul and 1 Sep)');
    // bytes was low at 06:00 and at 05:00: a pattern only with a one-hour tolerance
    const loose = buildReport(input({ patternToleranceHours: 1 }));
    const bytes = loose.recurring.find((p) => p.feature === 'bytes');
    expect(bytes).toMatchObject({ days: ['2018-09-07', '2018-09-16'], direction: 'below' });
    expect(bytes?.hours.sort()).toEqual([5, 6]);
  });

  test('patterns wrap around midnight and ignore a single day', () => {
    const events = [
      ev({ metric: 'x', at: DAY0 + 23 * H }),
      ev({ metric: 'x', at: DAY0 + 2 * D }), // 00:00 two days later
      ev({ metric: 'y', at: DAY0 + 5 * H }),
      ev({ metric: 'y', at: DAY0 + 5 * H + 1 }), // same day twice: not recurring
    ];
    const p = recurringPatterns(events, { toleranceHours: 1 });
    expect(p).toHaveLength(1);
    expect(p[0]).toMatchObject({ feature: 'x', hours: [23, 0], hourLabel: '23:00-01:00 UTC' });
    expect(recurringPatterns(events)).toEqual([]);
    expect(hourLabel([5])).toBe('05:00-06:00 UTC');
  });

  test('top features and detector shares sum to one', () => {
    const r = buildReport(input());
    expect(r.topFeatures.reduce((s, f) => s + f.share, 0)).toBeCloseTo(1, 2);
    expect(r.detectors.reduce((s, f) => s + f.share, 0)).toBeCloseTo(1, 2);
    expect(r.topFeatures[0].name).toBe('bytes');
    expect(r.topFeatures.find((f) => f.name === 'requests')?.incidents).toBe(2);
    expect(r.detectors.map((d) => d.name).sort()).toEqual(['mad', 'zscore']);
  });

  test('a range with nothing in it says so', () => {
    const r = buildReport(input({ events: [], from: DAY0, to: DAY0 + 7 * D }));
    expect(r.incidents).toEqual([]);
    expect(r.summary.paragraphs).toEqual([
      'No incidents from Sun 22 Jul 2018 to Sat 28 Jul 2018 (7 days): Vigil found no anomaly in the 0 series it watched.',
    ]);
  });

  test('only events in [from, to) count', () => {
    const r = buildReport(input({ from: DAY0 + 40 * D, to: DAY0 + 45 * D }));
    expect(r.totals.incidents).toBe(1);
    expect(r.summary.paragraphs[0]).toMatch(/^One incident stands out: on Sat 1 Sep 2018/);
  });

  test('bad input is refused with a message naming it', () => {
    expect(() => buildReport(input({ from: 10, to: 5 }))).toThrow(/"from" must be before "to"/);
    expect(() => buildReport(input({ period: '1m' as never }))).toThrow(/period must be one of 1d, 1w/);
    expect(() => buildReport(input({ patternToleranceHours: 7 }))).toThrow(/tolerance/);
  });
});

describe('accuracy', () => {
  const windows = {
    'web/logs.json.gz': [
      ['2018-08-21 10:00:00.000000', '2018-08-21 14:00:00.000000'],
      ['2018-09-01T11:00:00Z', '2018-09-01T13:00:00Z'],
      ['2018-09-10 00:00:00', '2018-09-10 01:00:00'],
    ],
    'other.csv': [['2018-01-01 00:00:00', '2018-01-02 00:00:00']],
  };

  test('windows: precision over incidents, recall over windows, F1', () => {
    const truth = {
      kind: 'windows' as const,
      source: 'w.json',
      windows: windowsFromLabels(windows, 'w.json', 'logs.json.gz'),
    };
    expect(truth.windows).toHaveLength(3);
    const r = buildReport(input({ truth }));
    expect(r.accuracy).toEqual({
      source: 'labels file w.json',
      truePositives: 2,
      falsePositives: 3,
      falseNegatives: 1,
      windows: 3,
      windowsFound: 2,
      precision: 0.4,
      recall: 0.667,
      f1: 0.5,
    });
    expect(r.summary.paragraphs.at(-1)).toBe(
      'Against 3 known incident windows (labels file w.json), Vigil found 2 (recall 67%); 2 of its 5 incidents match a known window (precision 40%), F1 0.50.'
    );
  });

  test('feedback: confirmed and false positives give precision; recall stays unknown', () => {
    const r0 = buildReport(input());
    const [burst, outage, third] = r0.incidents;
    const a = accuracy(r0.incidents, {
      kind: 'feedback',
      verdicts: [
        { eventId: burst.eventIds[0], verdict: 'confirmed' },
        { eventId: outage.eventIds[1], verdict: 'confirmed' },
        { eventId: third.eventIds[0], verdict: 'false_positive' },
      ],
    });
    expect(a).toMatchObject({
      truePositives: 2,
      falsePositives: 1,
      unjudged: 2,
      precision: 0.667,
      recall: null,
      f1: null,
    });
  });

  test('labels files: key by file name, the only key, a plain list; errors name the problem', () => {
    expect(
      windowsFromLabels({ 'a/b.csv': [['2014-01-01 00:00:00', '2014-01-01 01:00:00']] }, 'l', 'x.csv')
    ).toHaveLength(1);
    expect(windowsFromLabels([[0, 1000]], 'l')).toEqual([{ start: 0, end: 1000 }]);
    expect(() => windowsFromLabels(windows, 'l.json', 'nope.csv')).toThrow(/l.json: no windows for "nope.csv"/);
    expect(() => windowsFromLabels({ a: [['x', 'y']] }, 'l.json', 'a')).toThrow(/window 0 of "a": not a time/);
    expect(() => windowsFromLabels({ a: [['2018-01-02', '2018-01-01']] }, 'l.json', 'a')).toThrow(/not a time/);
    expect(() => windowsFromLabels({ a: [['2018-01-02 00:00:00', '2018-01-01 00:00:00']] }, 'l.json', 'a')).toThrow(
      /ends before it starts/
    );
    expect(() => windowsFromLabels('nope', 'l.json')).toThrow(/expected NAB windows/);
    expect(parseTruthTime('2018-09-01T12:00:00+02:00')).toBe(Date.UTC(2018, 8, 1, 10));
    expect(parseTruthTime('2018-09-01 12:00:00.500000')).toBe(Date.UTC(2018, 8, 1, 12) + 500);
  });
});
