import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { InputError } from '../core/errors';
import { createSeries, type Series } from '../core/series';
import { ElasticsearchSeriesSource, FileSeriesSource, PrometheusSeriesSource, esMetric } from './seriesSources';

const MIN = 60_000;

describe('PrometheusSeriesSource', () => {
  it('aligns the range to the step and splits long ranges under 11,000 points per request', async () => {
    const calls: [number, number, number][] = [];
    const client = new PrometheusSeriesSource('prometheus', {
      queryRange: async (_q: string, s: number, e: number, step: number) => {
        calls.push([s, e, step]);
        const ts: number[] = [];
        for (let t = s; t <= e; t += step) ts.push(t);
        return [
          createSeries(
            { __name__: 'up' },
            ts,
            ts.map(() => 1)
          ),
        ];
      },
      query: async () => [],
    });
    const out = await client.fetch({ type: 'prometheus', query: 'up' }, 30_000, 25_000 * MIN, MIN);
    expect(calls[0][0]).toBe(MIN);
    expect(calls.every(([s, e, step]) => (e - s) / step <= 10_000 && step === MIN)).toBe(true);
    expect(calls).toHaveLength(3);
    expect(out).toHaveLength(1);
    expect(out[0].timestamps.length).toBe(25_000);
    expect(out[0].timestamps[1] - out[0].timestamps[0]).toBe(MIN);
  });
});

describe('esMetric', () => {
  it.each([
    [{ type: 'count' as const }, 'count', { type: 'count' }],
    [{ type: 'cardinality' as const, field: 'client' }, 'cardinality_client', { type: 'cardinality', field: 'client' }],
    [{ type: 'avg' as const, field: 'bytes' }, 'avg_bytes', { type: 'avg', field: 'bytes' }],
    [
      { type: 'percentile' as const, field: 'rt', percentile: 99 },
      'p99_rt',
      { type: 'percentiles', field: 'rt', percents: [99] },
    ],
    [{ type: 'error_rate' as const }, 'error_rate', { type: 'filter_ratio', filter: 'status:>=400' }],
  ])('%j -> %s', (m, name, metric) => {
    expect(esMetric(m)).toEqual({ name, metric });
  });
  it('names a missing field and a percentile out of range', () => {
    expect(() => esMetric({ type: 'sum' })).toThrow(/metric "sum" needs a field/);
    expect(() => esMetric({ type: 'percentile', field: 'rt', percentile: 100 })).toThrow(
      /percentile must be in \(0, 100\), got 100/
    );
  });
  it('pushes the histogram down with the query filter and split', async () => {
    const seen: unknown[] = [];
    const es = new ElasticsearchSeriesSource('logs', {
      histogram: async (q) => {
        seen.push(q);
        return [] as Series[];
      },
      info: async () => ({ flavour: 'opensearch', version: '2.19.0' }),
    });
    await es.fetch(
      {
        type: 'elasticsearch',
        index: 'weblogs',
        timeField: '@timestamp',
        metric: { type: 'count' },
        filter: 'status:500',
        splitBy: 'host',
        size: 5,
      },
      0,
      60 * MIN - 1,
      5 * MIN
    );
    expect(seen).toEqual([
      {
        index: 'weblogs',
        timeField: '@timestamp',
        startMs: 0,
        endMs: 60 * MIN,
        intervalMs: 5 * MIN,
        query: 'status:500',
        metrics: { count: { type: 'count' } },
        splitBy: { field: 'host', size: 5 },
      },
    ]);
  });
});

describe('FileSeriesSource', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'vigil-files-'));
    writeFileSync(
      path.join(dir, 'a.csv'),
      'timestamp,value\n1970-01-01T00:01:00Z,1\n1970-01-01T00:02:00Z,2\n1970-01-01T00:03:00Z,3\n'
    );
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('reads a file under its root and slices the range', async () => {
    const c = new FileSeriesSource('file', dir);
    const out = await c.fetch({ type: 'file', path: 'a.csv' }, 2 * MIN, 3 * MIN);
    expect(Array.from(out[0].values)).toEqual([2, 3]);
    await expect(c.health()).resolves.toBeUndefined();
  });

  it('refuses paths outside the root and names missing files', async () => {
    const c = new FileSeriesSource('file', dir);
    await expect(c.fetch({ type: 'file', path: '../etc/passwd' }, 0, 1)).rejects.toThrow(
      /outside the file source's root/
    );
    await expect(c.fetch({ type: 'file', path: 'nope.csv' }, 0, 1)).rejects.toThrow(/"nope.csv" not found/);
  });

  it('follows symbolic links only to files under the root, and never quotes what is outside', async () => {
    const outsideDir = mkdtempSync(path.join(os.tmpdir(), 'vigil-outside-'));
    writeFileSync(path.join(outsideDir, 'secret.csv'), 'timestamp,value\n1970-01-01T00:01:00Z,apiToken: s3cret\n');
    mkdirSync(path.join(dir, 'sub'), { recursive: true });
    symlinkSync(path.join(outsideDir, 'secret.csv'), path.join(dir, 'leak.csv'));
    symlinkSync(outsideDir, path.join(dir, 'sub', 'out'));
    symlinkSync(path.join(dir, 'a.csv'), path.join(dir, 'sub', 'inside.csv'));
    const c = new FileSeriesSource('file', dir);
    for (const p of ['leak.csv', 'sub/out/secret.csv', '/etc/passwd', path.join(outsideDir, 'secret.csv'), '']) {
      const err = await c.fetch({ type: 'file', path: p }, 0, 10 * MIN).catch((e: Error) => e);
      expect(err).toBeInstanceOf(InputError);
      expect((err as Error).message).toMatch(/outside the file source's root/);
      expect((err as Error).message).not.toContain('s3cret');
    }
    // a link that stays inside the root is followed
    expect(Array.from((await c.fetch({ type: 'file', path: 'sub/inside.csv' }, 0, 10 * MIN))[0].values)).toEqual([
      1, 2, 3,
    ]);
    await expect(c.fetch({ type: 'file', path: 'sub' }, 0, 1)).rejects.toThrow(/not a regular file/);
    rmSync(outsideDir, { recursive: true, force: true });
  });

  it('re-reads a file when it changes', async () => {
    const c = new FileSeriesSource('file', dir);
    writeFileSync(path.join(dir, 'b.csv'), 'timestamp,value\n1970-01-01T00:01:00Z,1\n1970-01-01T00:02:00Z,2\n');
    expect((await c.fetch({ type: 'file', path: 'b.csv' }, 0, 10 * MIN))[0].values.length).toBe(2);
    writeFileSync(
      path.join(dir, 'b.csv'),
      'timestamp,value\n1970-01-01T00:01:00Z,1\n1970-01-01T00:02:00Z,2\n1970-01-01T00:03:00Z,9\n'
    );
    expect((await c.fetch({ type: 'file', path: 'b.csv' }, 0, 10 * MIN))[0].values.length).toBe(3);
  });
});
