import { isolationForestOnSeries } from '../pkg/detectors/isolationForest';
import { aggregateAccessLogs } from '../pkg/sources/accessLogs';
import { readRecords } from '../pkg/sources/file';
import { WEBLOGS_FILE } from './helpers/shared';

/**
 * The multivariate Isolation Forest on the real sample web logs, hourly: requests, error rate, unique clients and
 * requests per session aligned as one matrix. The logs hold a known burst on 2018-09-01 12:00 UTC (124 requests,
 * 102 of them errors, against about 25 and 1 in a usual hour): it must rank among the most anomalous hours, and
 * the explanation must point at a series far outside its usual range.
 */
describe('multivariate Isolation Forest on the real web access logs', () => {
  test('ranks the 2018-09-01 12:00 error burst among the top hours and names its driver', async () => {
    const agg = await aggregateAccessLogs(readRecords(WEBLOGS_FILE), {
      intervalMs: 3600000,
      timeField: 'timestamp',
      statusField: 'response',
      clientField: 'clientip',
      agentField: 'agent',
    });
    const wanted = ['requests', 'error_rate', 'unique_clients', 'requests_per_session'];
    const series = wanted.map((name) => {
      const s = agg.series.find((x) => x.labels.__name__ === name);
      if (!s) throw new Error(`no ${name} series`);
      return s;
    });
    const res = isolationForestOnSeries(series, { seed: 1 });
    expect(res.names).toEqual(wanted.map((n) => `{__name__="${n}"}`));
    const burst = res.timestamps.indexOf(Date.parse('2018-09-01T12:00:00Z'));
    expect(burst).toBeGreaterThan(0);
    let scored = 0;
    let higher = 0;
    for (let i = 0; i < res.score.length; i++) {
      if (Number.isNaN(res.score[i])) continue;
      scored++;
      if (res.score[i] > res.score[burst]) higher++;
    }
    expect(scored).toBeGreaterThan(1000);
    expect(higher).toBeLessThan(3);
    expect(res.score[burst]).toBeGreaterThan(0.7);
    // a burst of failing requests from few clients: the driver is the error rate, the request count or the
    // requests per session, far outside its usual range
    expect(['{__name__="error_rate"}', '{__name__="requests"}', '{__name__="requests_per_session"}']).toContain(
      res.names[res.topFeature[burst]]
    );
    expect(res.topZ[burst]).toBeGreaterThan(5);
    // deterministic for a seed
    expect(Array.from(isolationForestOnSeries(series, { seed: 1 }).score)).toEqual(Array.from(res.score));
  });
});
