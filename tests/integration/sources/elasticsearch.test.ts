/**
 * ElasticsearchHttpClient against a real OpenSearch 2 (tests/servers/opensearch.ts) holding the web logs: the
 * access-log metrics aggregated inside OpenSearch equal the ones `aggregateAccessLogs` computes from the same
 * file, hourly, bucket by bucket.
 */
import { SourceError } from '../../../pkg/core/errors';
import type { Series } from '../../../pkg/core/series';
import { aggregateAccessLogs } from '../../../pkg/sources/accessLogs';
import { readRecords } from '../../../pkg/sources/file';
import { loadIndex } from '../../../pkg/cli/indexInput';
import { loadInput } from '../../../pkg/cli/input';
import { ElasticsearchHttpClient, aggregateAccessLogsInElasticsearch } from '../../../pkg/sources/elasticsearch';
import { freePort } from '../../servers/common';
import { WEBLOGS_INDEX, weblogsFile } from '../../servers/opensearch';
import { serverUrls } from '../../servers/servers';

const HOUR = 3_600_000;
const FIELDS = {
  timeField: 'timestamp',
  statusField: 'response',
  clientField: 'clientip',
  agentField: 'agent',
  bytesField: 'bytes',
};

function byKey(series: Series[], split?: string): Map<string, Series> {
  return new Map(series.map((s) => [`${s.labels.__name__}|${split ? s.labels[split] : ''}`, s]));
}

/** Same values, NaN where the other is NaN. */
function expectSameValues(actual: Float64Array, expected: Float64Array, what: string): void {
  expect({ what, n: actual.length }).toEqual({ what, n: expected.length });
  for (let i = 0; i < expected.length; i++) {
    if (Number.isNaN(expected[i])) {
      if (!Number.isNaN(actual[i])) throw new Error(`${what}[${i}]: expected NaN, got ${actual[i]}`);
    } else if (Math.abs(actual[i] - expected[i]) > 1e-9 * Math.max(1, Math.abs(expected[i]))) {
      throw new Error(
        `${what}[${i}] at ${new Date(2018, 0).toISOString() && ''}bucket ${i}: expected ${expected[i]}, got ${actual[i]}`
      );
    }
  }
}

describe('ElasticsearchHttpClient against a real OpenSearch with the web logs', () => {
  const url = serverUrls().opensearch;
  const es = new ElasticsearchHttpClient({ url, timeoutMs: 60_000 });
  let fileSeries: Series[];
  let startMs: number;
  let endMs: number;

  beforeAll(async () => {
    const agg = await aggregateAccessLogs(readRecords(weblogsFile()), { intervalMs: HOUR, ...FIELDS });
    fileSeries = agg.series;
    expect(agg.records).toBe(14_074);
    const ts = fileSeries[0].timestamps;
    startMs = ts[0];
    endMs = ts[ts.length - 1] + HOUR;
  });

  it('identifies the server', async () => {
    const info = await es.info();
    expect(info.flavour).toBe('opensearch');
    expect(info.version).toMatch(/^2\./);
  });

  it('hourly access-log metrics aggregated in OpenSearch equal aggregateAccessLogs on the same file', async () => {
    const esSeries = await aggregateAccessLogsInElasticsearch(es, {
      index: WEBLOGS_INDEX,
      startMs,
      endMs,
      intervalMs: HOUR,
      ...FIELDS,
    });
    const file = byKey(fileSeries);
    const got = byKey(esSeries);
    expect([...got.keys()].sort()).toEqual([...file.keys()].sort());
    expect(fileSeries[0].timestamps.length).toBeGreaterThan(1400); // two months of hours
    for (const [key, expected] of file) {
      const actual = got.get(key)!;
      expect(Array.from(actual.timestamps)).toEqual(Array.from(expected.timestamps));
      expectSameValues(actual.values, expected.values, key);
    }
    // Sanity: the comparison covers real traffic, errors and multi-request sessions.
    const sum = (k: string) => got.get(k)!.values.reduce((a, b) => a + (Number.isNaN(b) ? 0 : b), 0);
    expect(sum('requests|')).toBe(14_074);
    expect(sum('errors|')).toBe(801 + 441);
    expect(sum('sessions|')).toBeGreaterThan(0);
  });

  it('vigil detect on the index URL reads the series it reads from the file, aggregated in OpenSearch', async () => {
    const fromIndex = await loadIndex(`${url}/${WEBLOGS_INDEX}`, { from: startMs, to: endMs, quiet: true });
    const fromFile = await loadInput(weblogsFile(), { quiet: true });
    expect(fromIndex).toMatchObject({ kind: 'logs', records: 14_074 });
    expect(fromIndex.description).toMatch(/time "timestamp", status "response", client "clientip", agent "agent"/);
    const file = byKey(fromFile.series);
    const got = byKey(fromIndex.series);
    expect([...got.keys()].sort()).toEqual([...file.keys()].sort());
    expect(got.size).toBe(5);
    for (const [key, expected] of file) {
      expect(Array.from(got.get(key)!.timestamps)).toEqual(Array.from(expected.timestamps));
      expectSameValues(got.get(key)!.values, expected.values, key);
    }
  });

  it('split by host (terms, top N) equals the file aggregation split the same way (default precision threshold)', async () => {
    const fileSplit = (
      await aggregateAccessLogs(readRecords(weblogsFile()), { intervalMs: HOUR, ...FIELDS, splitBy: 'host' })
    ).series;
    const esSplit = await aggregateAccessLogsInElasticsearch(es, {
      index: WEBLOGS_INDEX,
      startMs,
      endMs,
      intervalMs: HOUR,
      ...FIELDS,
      splitBy: 'host',
      splitSize: 10,
    });
    const file = byKey(fileSplit, 'host');
    const got = byKey(esSplit, 'host');
    expect([...got.keys()].sort()).toEqual([...file.keys()].sort());
    for (const [key, expected] of file) expectSameValues(got.get(key)!.values, expected.values, key);
  });

  it('pushes down avg/min/max/percentiles, a query-string filter and a filtered ratio on a 6-hour grid', async () => {
    const out = await es.histogram({
      index: WEBLOGS_INDEX,
      timeField: 'timestamp',
      startMs,
      endMs,
      intervalMs: 6 * HOUR,
      query: 'extension:deb OR extension:rpm',
      metrics: {
        n: { type: 'count' },
        avg_bytes: { type: 'avg', field: 'bytes' },
        min_bytes: { type: 'min', field: 'bytes' },
        max_bytes: { type: 'max', field: 'bytes' },
        p: { type: 'percentiles', field: 'bytes', percents: [50, 99] },
        not_found: { type: 'filter_ratio', filter: 'response:404' },
      },
    });
    // Reference from the file.
    const buckets = new Map<number, number[]>();
    const notFound = new Map<number, number>();
    for await (const { record } of readRecords(weblogsFile())) {
      const ext = record.extension;
      if (ext !== 'deb' && ext !== 'rpm') continue;
      const b = Math.floor(Date.parse(String(record.timestamp)) / (6 * HOUR)) * 6 * HOUR;
      if (!buckets.has(b)) buckets.set(b, []);
      buckets.get(b)!.push(Number(record.bytes));
      if (record.response === 404) notFound.set(b, (notFound.get(b) ?? 0) + 1);
    }
    const get = (name: string, extra: Record<string, string> = {}) =>
      out.find((s) => s.labels.__name__ === name && Object.entries(extra).every(([k, v]) => s.labels[k] === v))!;
    const n = get('n');
    expect(n.timestamps[0]).toBe(Math.floor(startMs / (6 * HOUR)) * 6 * HOUR);
    let checked = 0;
    for (let i = 0; i < n.timestamps.length; i++) {
      const xs = buckets.get(n.timestamps[i]) ?? [];
      expect(n.values[i]).toBe(xs.length);
      if (!xs.length) {
        expect(get('avg_bytes').values[i]).toBeNaN();
        expect(get('not_found').values[i]).toBeNaN();
        continue;
      }
      checked++;
      expect(get('avg_bytes').values[i]).toBeCloseTo(xs.reduce((a, b) => a + b, 0) / xs.length, 6);
      expect(get('min_bytes').values[i]).toBe(Math.min(...xs));
      expect(get('max_bytes').values[i]).toBe(Math.max(...xs));
      expect(get('not_found').values[i]).toBeCloseTo((notFound.get(n.timestamps[i]) ?? 0) / xs.length, 12);
      const p50 = get('p', { percentile: '50' }).values[i];
      expect(p50).toBeGreaterThanOrEqual(Math.min(...xs));
      expect(p50).toBeLessThanOrEqual(Math.max(...xs));
    }
    expect(checked).toBeGreaterThan(100);
  });

  it('turns OpenSearch errors into SourceErrors naming the cause', async () => {
    const base = { index: WEBLOGS_INDEX, timeField: 'timestamp', startMs, endMs, intervalMs: HOUR };
    await expect(es.histogram({ ...base, metrics: { a: { type: 'avg', field: 'agent' } } })).rejects.toThrow(
      'elasticsearch: search weblogs failed: illegal_argument_exception: Field [agent] of type [keyword] is not supported for aggregation [avg] (HTTP 400)'
    );
    await expect(es.histogram({ ...base, index: 'no-such-index', metrics: { n: { type: 'count' } } })).rejects.toThrow(
      'elasticsearch: search no-such-index failed: index_not_found_exception: no such index [no-such-index] (HTTP 404)'
    );
    await expect(
      es.histogram({ ...base, query: 'response:>=400 AND (', metrics: { n: { type: 'count' } } })
    ).rejects.toThrow(/query_shard_exception: Failed to parse query \[response:>=400 AND \(\]/);
    const port = await freePort();
    const down = new ElasticsearchHttpClient({ url: `http://127.0.0.1:${port}`, timeoutMs: 5000 });
    await expect(down.info()).rejects.toThrow(SourceError);
    await expect(down.info()).rejects.toThrow(
      `elasticsearch: cannot connect to http://127.0.0.1:${port}: connection refused`
    );
  });
});
