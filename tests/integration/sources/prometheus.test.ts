/**
 * PrometheusHttpClient against a real Prometheus (Debian package) holding NAB series backfilled with promtool
 * (tests/servers/prometheus.ts). Values must equal the CSVs'.
 */
import { SourceError } from '../../../pkg/core/errors';
import { PrometheusHttpClient } from '../../../pkg/sources/prometheus';
import { freePort } from '../../servers/common';
import { NAB_METRIC, readNabCsv } from '../../servers/nab';
import { serverUrls } from '../../servers/servers';

const MIN = 60_000;
const LOOKBACK_MS = 5 * MIN; // Prometheus' default --query.lookback-delta

describe('PrometheusHttpClient against a real Prometheus with NAB history', () => {
  const url = serverUrls().prometheus;
  const prom = new PrometheusHttpClient({ url, timeoutMs: 20_000 });

  it('query_range returns every CSV value at its timestamp (5-min series, two weeks)', async () => {
    const csv = readNabCsv('realAWSCloudwatch/ec2_cpu_utilization_24ae8d.csv');
    const start = csv.timestamps[0];
    const end = csv.timestamps[csv.timestamps.length - 1];
    const out = await prom.queryRange(`${NAB_METRIC}{series="ec2_cpu_utilization_24ae8d"}`, start, end, 5 * MIN);
    expect(out).toHaveLength(1);
    const s = out[0];
    expect(s.labels).toEqual({
      __name__: NAB_METRIC,
      corpus: 'realAWSCloudwatch',
      series: 'ec2_cpu_utilization_24ae8d',
    });
    expect(s.timestamps.length).toBe(csv.timestamps.length);
    expect(Array.from(s.timestamps)).toEqual(csv.timestamps);
    expect(Array.from(s.values)).toEqual(csv.values);
  });

  it('a series whose samples sit off the 5-minute clock (hh:27, hh:32...) gets each CSV value', async () => {
    const csv = readNabCsv('realAWSCloudwatch/ec2_cpu_utilization_5f5533.csv');
    const start = csv.timestamps[0];
    const end = csv.timestamps[csv.timestamps.length - 1];
    const [s] = await prom.queryRange(`${NAB_METRIC}{series="ec2_cpu_utilization_5f5533"}`, start, end, 5 * MIN);
    expect(Array.from(s.values)).toEqual(csv.values);
  });

  it('fills the full step grid with NaN where Prometheus has no sample within the lookback (gaps)', async () => {
    const csv = readNabCsv('realAWSCloudwatch/ec2_cpu_utilization_ac20cd.csv');
    // The 15-minute gap of this series.
    const gapAt = csv.timestamps.findIndex((t, i) => i > 0 && t - csv.timestamps[i - 1] === 15 * MIN) - 1;
    expect(gapAt).toBeGreaterThan(0);
    const start = csv.timestamps[gapAt - 3];
    const end = csv.timestamps[gapAt + 4];
    const [s] = await prom.queryRange(`${NAB_METRIC}{series="ec2_cpu_utilization_ac20cd"}`, start, end, MIN);
    expect(s.timestamps.length).toBe((end - start) / MIN + 1);
    let nan = 0;
    for (let k = 0; k < s.timestamps.length; k++) {
      const t = s.timestamps[k];
      expect(t).toBe(start + k * MIN);
      // Expected: the newest CSV sample in [t - lookback, t], else no sample (NaN).
      let expected = NaN;
      for (let i = csv.timestamps.length - 1; i >= 0; i--) {
        if (csv.timestamps[i] <= t) {
          if (csv.timestamps[i] >= t - LOOKBACK_MS) expected = csv.values[i];
          break;
        }
      }
      if (Number.isNaN(expected)) nan++;
      expect(s.values[k]).toBe(expected);
    }
    expect(nan).toBeGreaterThanOrEqual(9); // 15-min gap minus 5-min lookback, 1-min steps
  });

  it('instant query returns the CSV value of every backfilled series at one time', async () => {
    const a = readNabCsv('realAWSCloudwatch/ec2_cpu_utilization_24ae8d.csv');
    const b = readNabCsv('realAWSCloudwatch/rds_cpu_utilization_cc0c53.csv');
    const t = a.timestamps[100];
    const out = await prom.query(`${NAB_METRIC}{series=~"ec2_cpu_utilization_24ae8d|rds_cpu_utilization_cc0c53"}`, t);
    const bySeries = Object.fromEntries(out.map((s) => [s.labels.series, s]));
    expect(bySeries.ec2_cpu_utilization_24ae8d.values[0]).toBe(a.values[100]);
    expect(bySeries.ec2_cpu_utilization_24ae8d.timestamps[0]).toBe(t);
    expect(bySeries.rds_cpu_utilization_cc0c53.values[0]).toBe(b.values[b.timestamps.indexOf(t)]);
  });

  it('aggregation is pushed down: avg_over_time on the server equals the CSV mean', async () => {
    const csv = readNabCsv('realAWSCloudwatch/ec2_cpu_utilization_24ae8d.csv');
    const t = csv.timestamps[11];
    const [s] = await prom.query(`avg_over_time(${NAB_METRIC}{series="ec2_cpu_utilization_24ae8d"}[1h])`, t);
    // [t-1h, t] holds samples 0..11 (Prometheus 2.x range selectors include both ends).
    const mean = csv.values.slice(0, 12).reduce((x, y) => x + y, 0) / 12;
    expect(s.values[0]).toBeCloseTo(mean, 12);
  });

  it('label names, label values and series look-ups', async () => {
    expect(await prom.labelNames()).toEqual(expect.arrayContaining(['__name__', 'corpus', 'series']));
    expect(await prom.labelValues('__name__')).toContain(NAB_METRIC);
    expect(await prom.labelValues('series')).toEqual([
      'ec2_cpu_utilization_24ae8d',
      'ec2_cpu_utilization_5f5533',
      'ec2_cpu_utilization_ac20cd',
      'rds_cpu_utilization_cc0c53',
    ]);
    const series = await prom.series([`${NAB_METRIC}{series=~"ec2.*"}`], {
      startMs: Date.UTC(2014, 0, 1),
      endMs: Date.UTC(2014, 11, 31),
    });
    expect(series.map((l) => l.series).sort()).toEqual([
      'ec2_cpu_utilization_24ae8d',
      'ec2_cpu_utilization_5f5533',
      'ec2_cpu_utilization_ac20cd',
    ]);
  });

  it('turns a PromQL error into a SourceError with Prometheus error type and message', async () => {
    await expect(prom.queryRange(`${NAB_METRIC}{`, 0, 60_000, 1000)).rejects.toThrow(
      /^prometheus: query_range failed: bad_data: .*parse error.* \(HTTP 400\)$/
    );
  });

  it('reports a non-Prometheus answer and a refused connection clearly', async () => {
    // A wrong path prefix: Prometheus answers a plain-text 404, not the API envelope.
    const wrongPath = new PrometheusHttpClient({ url: `${url}/not-prometheus` });
    await expect(wrongPath.labelNames()).rejects.toThrow(SourceError);
    await expect(wrongPath.labelNames()).rejects.toThrow(
      /labels: answer is not JSON \(HTTP 404, body starts "404 page not found"\)/
    );
    const port = await freePort();
    const down = new PrometheusHttpClient({ url: `http://127.0.0.1:${port}`, timeoutMs: 5000 });
    await expect(down.query('up')).rejects.toThrow(
      `prometheus: cannot connect to http://127.0.0.1:${port}: connection refused`
    );
  });
});
