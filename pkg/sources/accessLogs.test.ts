import type { FileRecord } from './file';
import { aggregateAccessLogs } from './accessLogs';

async function* from(records: Record<string, unknown>[]): AsyncGenerator<FileRecord> {
  let line = 0;
  for (const record of records) yield { line: ++line, record };
}
const H = 3_600_000;
const at = (h: number, m = 0) => new Date(Date.UTC(2024, 0, 1, h, m)).toISOString();
const opts = {
  intervalMs: H,
  timeField: 'ts',
  statusField: 'status',
  clientField: 'ip',
  agentField: 'ua',
  bytesField: 'bytes',
};
const metric = (
  series: { labels: Record<string, string>; values: Float64Array }[],
  name: string,
  split?: [string, string]
) => Array.from(series.find((s) => s.labels.__name__ === name && (!split || s.labels[split[0]] === split[1]))!.values);

test('aggregates requests, errors, rate, clients, sessions and bytes per hour, in any record order', async () => {
  const records = [
    { ts: at(0, 25), status: 200, ip: 'a', ua: 'x', bytes: 10 },
    { ts: at(0, 5), status: 500, ip: 'a', ua: 'x', bytes: 0 },
    { ts: at(0, 10), status: 404, ip: 'b', ua: 'y', bytes: 5 },
    { ts: at(2, 0), status: 200, ip: 'a', ua: 'x', bytes: 7 }, // a's session ended (95 min gap): new session
    { ts: at(2, 20), status: 200, ip: 'a', ua: 'z', bytes: 1 }, // other agent: other session
  ];
  const { series, records: n } = await aggregateAccessLogs(from(records), opts);
  expect(n).toBe(5);
  expect(metric(series, 'requests')).toEqual([3, 0, 2]);
  expect(metric(series, 'errors')).toEqual([2, 0, 0]);
  expect(metric(series, 'error_rate')[0]).toBeCloseTo(2 / 3);
  expect(metric(series, 'error_rate')[1]).toBeNaN();
  expect(metric(series, 'unique_clients')).toEqual([2, 0, 1]);
  expect(metric(series, 'sessions')).toEqual([2, 0, 2]);
  expect(metric(series, 'requests_per_session')[0]).toBeCloseTo(1.5);
  expect(metric(series, 'bytes')).toEqual([15, 0, 8]);
});

test('a session spanning two buckets counts in both; split by a field', async () => {
  const records = [
    { ts: at(0, 55), status: 200, ip: 'a', ua: 'x', host: 'h1' },
    { ts: at(1, 5), status: 200, ip: 'a', ua: 'x', host: 'h1' },
    { ts: at(1, 6), status: 503, ip: 'c', ua: 'x', host: 'h2' },
  ];
  const { series } = await aggregateAccessLogs(from(records), { ...opts, bytesField: undefined, splitBy: 'host' });
  expect(metric(series, 'sessions', ['host', 'h1'])).toEqual([1, 1]);
  expect(metric(series, 'requests', ['host', 'h2'])).toEqual([0, 1]);
  expect(metric(series, 'errors', ['host', 'h2'])).toEqual([0, 1]);
  expect(series.some((s) => s.labels.__name__ === 'bytes')).toBe(false);
});

test('records without a timestamp are counted in a warning, not dropped silently', async () => {
  const { warnings } = await aggregateAccessLogs(
    from([
      { ts: at(0), status: 200, ip: 'a', ua: 'x' },
      { status: 200, ip: 'b', ua: 'x' },
    ]),
    opts
  );
  expect(warnings[0]).toMatch(/1 of 2 records had no usable "ts"/);
});

test('clear errors when no record has a timestamp or a status', async () => {
  await expect(aggregateAccessLogs(from([{ status: 200 }]), opts)).rejects.toThrow(
    /field "ts": no record has a usable timestamp/
  );
  await expect(aggregateAccessLogs(from([{ ts: at(0), ip: 'a' }]), opts)).rejects.toThrow(
    /no record has a numeric HTTP status/
  );
});
