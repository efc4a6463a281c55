import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import path from 'node:path';
import { REPO_ROOT, WEBLOGS_FILE } from '../helpers/shared';

const run = promisify(execFile);
const VIGIL = path.join(REPO_ROOT, 'bin', 'vigil.js');

interface Event {
  start: number;
  end: number;
  labels: Record<string, string>;
  severity: string;
  score: number;
  detectors: Record<string, number>;
  expected: number;
  actual: number;
  direction: string;
}

/**
 * The real sample web logs (two months, about 230 requests a day). Looked at by hand, hourly: the traffic has a
 * clear daily rhythm and two real irregularities — a two-hour outage on 2018-08-21 11:00-12:59 UTC (zero requests
 * at the busiest time of day, against about 23 an hour) and a burst on 2018-09-01 12:00 UTC (124 requests, 102 of
 * them errors, against about 25 and 1). Detection must report both, and few enough events that an on-call
 * engineer reads them all.
 */
describe('vigil detect on the real web access logs', () => {
  let events: Event[];
  let seconds: number;
  beforeAll(async () => {
    const started = Date.now();
    const { stdout } = await run(process.execPath, [
      VIGIL,
      'detect',
      WEBLOGS_FILE,
      '--interval',
      '1h',
      '--status-field',
      'response',
      '--client-field',
      'clientip',
      '--format',
      'json',
      '-q',
    ]);
    seconds = (Date.now() - started) / 1000;
    const doc = JSON.parse(stdout);
    events = doc.anomalies;
    expect(doc.series.length).toBe(5);
    expect(doc.series[0].points.length).toBe(1462);
  });

  test('finds the outage of 2018-08-21 on requests, covering both hours', () => {
    const outage = events.find(
      (e) => e.labels.__name__ === 'requests' && e.start === Date.parse('2018-08-21T11:00:00Z')
    );
    expect(outage).toBeDefined();
    expect(outage!.end).toBe(Date.parse('2018-08-21T12:00:00Z'));
    expect(outage!.actual).toBe(0);
    expect(outage!.expected).toBeGreaterThan(15);
    expect(outage!.direction).toBe('below');
    expect(Object.keys(outage!.detectors).length).toBeGreaterThanOrEqual(1);
  });

  test('finds the error burst of 2018-09-01 12:00 as critical on errors and requests', () => {
    const at = Date.parse('2018-09-01T12:00:00Z');
    const errors = events.find((e) => e.labels.__name__ === 'errors' && e.start === at);
    const requests = events.find((e) => e.labels.__name__ === 'requests' && e.start === at);
    expect(errors?.severity).toBe('critical');
    expect(errors?.actual).toBe(102);
    expect(requests?.actual).toBe(124);
    expect(requests!.score).toBeGreaterThanOrEqual(75);
  });

  test('reports a small number of events: at most 10 over the two months, the two incidents critical', () => {
    expect(events.length).toBeLessThanOrEqual(10);
    const onDay = (day: string) => events.filter((e) => new Date(e.start).toISOString().startsWith(day));
    expect(onDay('2018-08-21').every((e) => e.severity === 'critical')).toBe(true);
    expect(onDay('2018-09-01').every((e) => e.severity === 'critical')).toBe(true);
    // every other day has at most one event
    const days = new Map<string, number>();
    for (const e of events) {
      const d = new Date(e.start).toISOString().slice(0, 10);
      days.set(d, (days.get(d) ?? 0) + 1);
    }
    for (const [d, n] of days) if (d !== '2018-08-21' && d !== '2018-09-01') expect(n).toBe(1);
    expect(seconds).toBeGreaterThan(0);
  });
});
