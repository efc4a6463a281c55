import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { detect } from '../pipeline/detect';
import { InputError } from '../core/errors';
import { parseTimestamp, readRecords, readSeriesFile } from './file';

const dir = mkdtempSync(path.join(os.tmpdir(), 'vigil-file-'));
function file(name: string, content: string | Buffer): string {
  const p = path.join(dir, name);
  writeFileSync(p, content);
  return p;
}
const nabCsv = (rows: [string, string][]) => 'timestamp,value\n' + rows.map((r) => r.join(',')).join('\n') + '\n';

describe('file source: bad input gets a clear error or a sane result', () => {
  test('missing file', async () => {
    await expect(readSeriesFile(path.join(dir, 'nope.csv'))).rejects.toThrow(/nope\.csv: file not found/);
  });

  test('empty file', async () => {
    await expect(readSeriesFile(file('empty.csv', ''))).rejects.toThrow(/empty\.csv: file is empty/);
  });

  test('header only', async () => {
    await expect(readSeriesFile(file('header.csv', 'timestamp,value\n'))).rejects.toThrow(/header\.csv: no data rows/);
  });

  test('non-numeric value names file, line and field', async () => {
    const p = file(
      'bad.csv',
      nabCsv([
        ['2015-01-01 00:00:00', '1'],
        ['2015-01-01 00:05:00', 'abc'],
      ])
    );
    await expect(readSeriesFile(p)).rejects.toThrow(InputError);
    await expect(readSeriesFile(p)).rejects.toThrow('bad.csv line 3, field "value": "abc" is not a number');
  });

  test('bad timestamp names the line', async () => {
    const p = file('badtime.csv', nabCsv([['yesterday', '1']]));
    await expect(readSeriesFile(p)).rejects.toThrow(
      /badtime\.csv line 2, field "timestamp": "yesterday" is not a timestamp/
    );
  });

  test('malformed CSV row', async () => {
    const p = file('ragged.csv', 'timestamp,value\n2015-01-01 00:00:00,1,9\n');
    await expect(readSeriesFile(p)).rejects.toThrow(/ragged\.csv.*malformed CSV/);
  });

  test('malformed NDJSON line', async () => {
    const p = file('bad.ndjson', '{"timestamp": 1, "value": 2}\n{"timestamp": 2, \n');
    await expect(readSeriesFile(p)).rejects.toThrow(/bad\.ndjson line 2: not valid JSON/);
  });

  test('unsorted and duplicate timestamps are sorted and averaged, with warnings', async () => {
    const p = file(
      'unsorted.csv',
      nabCsv([
        ['2015-01-01 00:10:00', '3'],
        ['2015-01-01 00:00:00', '1'],
        ['2015-01-01 00:05:00', '2'],
        ['2015-01-01 00:05:00', '4'],
      ])
    );
    const r = await readSeriesFile(p);
    expect(Array.from(r.series[0].values)).toEqual([1, 3, 3]);
    expect(r.warnings.join(' ')).toMatch(/not in time order/);
    expect(r.warnings.join(' ')).toMatch(/1 duplicate timestamps; averaged/);
  });

  test('a truncated gzip is reported as half-written, not a crash or a hang', async () => {
    const full = gzipSync(
      nabCsv(Array.from({ length: 5000 }, (_, i) => [String(1_420_070_400 + i * 300), String(i % 17)]))
    );
    const p = file('trunc.csv.gz', full.subarray(0, Math.floor(full.length / 2)));
    await expect(readSeriesFile(p)).rejects.toThrow(/trunc\.csv\.gz: gzip stream is truncated or corrupt/);
  });

  test('gzip is detected by content, NDJSON by its first byte', async () => {
    const p = file('data.gz', gzipSync('{"ts": 1420070400, "cpu": 1}\n{"ts": 1420070460, "cpu": 2}\n'));
    const r = await readSeriesFile(p);
    expect(r.series[0].labels).toEqual({ __name__: 'cpu' });
    expect(Array.from(r.series[0].timestamps)).toEqual([1420070400000, 1420070460000]);
  });

  test('a 10-point series and a constant series get a sane result', async () => {
    const ten = await readSeriesFile(
      file('ten.csv', nabCsv(Array.from({ length: 10 }, (_, i) => [String(1e9 + i * 60), String(i)])))
    );
    const r10 = detect(ten.series);
    expect(r10.series[0].points).toHaveLength(10);
    expect(r10.anomalies).toHaveLength(0);
    const flat = await readSeriesFile(
      file('flat.csv', nabCsv(Array.from({ length: 500 }, (_, i) => [String(1e9 + i * 60), '7'])))
    );
    const rf = detect(flat.series);
    expect(rf.anomalies).toHaveLength(0);
    expect(rf.series[0].points.every((p) => p.value === 7)).toBe(true);
  });

  test('a series too short to judge is returned with a warning', async () => {
    const few = await readSeriesFile(
      file('few.csv', nabCsv(Array.from({ length: 4 }, (_, i) => [String(1e9 + i * 60), String(i)])))
    );
    const r = detect(few.series);
    expect(r.warnings[0]).toMatch(/4 points, at least 10 are needed/);
    expect(r.series[0].points.every((p) => p.score === null)).toBe(true);
  });

  test('streams records with their line numbers', async () => {
    const p = file('lines.ndjson', '{"a":1}\n\n{"a":2}\n');
    const seen: number[] = [];
    for await (const r of readRecords(p)) seen.push(r.line);
    expect(seen).toEqual([1, 3]);
  });
});

test('timestamps: ISO, NAB style (UTC), epoch seconds and ms', () => {
  expect(parseTimestamp('2015-01-01 00:05:00')).toBe(Date.UTC(2015, 0, 1, 0, 5));
  expect(parseTimestamp('2018-07-22T00:39:02.912Z')).toBe(Date.parse('2018-07-22T00:39:02.912Z'));
  expect(parseTimestamp(1420070400)).toBe(1420070400000);
  expect(parseTimestamp('1420070400000')).toBe(1420070400000);
  expect(parseTimestamp('soon')).toBeNaN();
});
