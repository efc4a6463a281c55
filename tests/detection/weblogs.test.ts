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
    expect(Object.keys(outage!.detectors).length).toBeGreaterThanOrEqual(3);
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

  test('reports a small number of events: at most 6 distinct incident times, at most 12 events', () => {
    const times = new Set(events.map((e) => e.start));
    expect(times.size).toBeLessThanOrEqual(6);
    expect(events.length).toBeLessThanOrEqual(12);
    // the two real incidents are the most severe
    const top = [...events]
      .sort((a, b) => b.score - a.score)
      .slice(0, 4)
      .map((e) => new Date(e.start).toISOString().slice(0, 10));
    expect(top.every((d) => d === '2018-09-01' || d === '2018-08-21')).toBe(true);
    expect(seconds).toBeGreaterThan(0);
  });
});
