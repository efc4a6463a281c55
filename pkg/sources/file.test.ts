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

describe('file source: bounded memory and short messages', () => {
  const rows = (n: number, step = 60) =>
    nabCsv(Array.from({ length: n }, (_, i) => [String(1_420_070_400 + i * step), String(i % 10)]));

  test('the row past the point limit stops the read there', async () => {
    const p = file('limit.csv', rows(150));
    await expect(readSeriesFile(p, { maxPoints: 100 })).rejects.toThrow(
      /limit\.csv line 102: more than 100 points; aggregate them with a longer --interval/
    );
    expect((await readSeriesFile(p, { maxPoints: 150 })).series[0].values).toHaveLength(150);
  });

  test('a file far over the limit is refused early, from its size', async () => {
    const p = file('huge.csv', rows(80_000));
    const err = await readSeriesFile(p, { maxPoints: 25_000 }).catch((e: Error) => e);
    expect((err as Error).message).toMatch(
      /huge\.csv line 20001: about \d+ points \(estimated from the first 20000 rows/
    );
    const about = Number(/about (\d+) points/.exec((err as Error).message)![1]);
    expect(about).toBeGreaterThan(70_000);
    expect(about).toBeLessThan(90_000);
  });

  test('with an interval, rows are averaged per bucket while reading (points per bucket, not per row)', async () => {
    const p = file('minutes.csv', rows(600));
    const r = await readSeriesFile(p, { intervalMs: 3_600_000, maxPoints: 20 });
    expect(r.records).toBe(600);
    expect(Array.from(r.series[0].timestamps)).toEqual(
      Array.from({ length: 10 }, (_, i) => 1_420_070_400_000 + i * 3_600_000)
    );
    // each hour holds 60 rows of values i % 10: a mean of 4.5
    expect(Array.from(r.series[0].values).every((v) => Math.abs(v - 4.5) < 1e-9)).toBe(true);
    // unsorted rows of one bucket merge into the count-weighted mean
    const u = file(
      'unsorted-buckets.csv',
      nabCsv([
        ['2015-01-01 00:00:00', '1'],
        ['2015-01-01 01:00:00', '10'],
        ['2015-01-01 00:30:00', '4'],
        ['2015-01-01 00:40:00', '7'],
      ])
    );
    const ru = await readSeriesFile(u, { intervalMs: 3_600_000 });
    expect(Array.from(ru.series[0].values)).toEqual([4, 10]);
    expect(ru.warnings.join(' ')).toMatch(/not in time order/);
  });

  test('a huge offending value is quoted by a short excerpt', async () => {
    const big = 'x'.repeat(100_000);
    const p = file('bigvalue.csv', `timestamp,value\n2015-01-01 00:00:00,1\n2015-01-01 00:05:00,${big}\n`);
    const err = (await readSeriesFile(p).catch((e: Error) => e)) as Error;
    expect(err.message).toMatch(
      /bigvalue\.csv line 3, field "value": "x{40}"\.\.\. \(100000 characters\) is not a number/
    );
    expect(err.message.length).toBeLessThan(200);
    const j = file('bigjson.ndjson', `{"timestamp": 1, "value": 2}\n{"timestamp": ${'9'.repeat(5000)}\n`);
    const jerr = (await readSeriesFile(j).catch((e: Error) => e)) as Error;
    expect(jerr.message).toMatch(/bigjson\.ndjson line 2: not valid JSON: ".+"\.\.\. \(5014 characters\)$/);
    expect(jerr.message.length).toBeLessThan(200);
  });

  test('a line longer than the limit is refused where it starts, not read whole', async () => {
    const nd = file(
      'longline.ndjson',
      `{"timestamp": 1, "value": 2}\n{"timestamp": 2, "value": "${'y'.repeat(3000)}"}\n`
    );
    await expect(readSeriesFile(nd, { maxLineLength: 1000 })).rejects.toThrow(
      /longline\.ndjson line 2: line is longer than 1000 characters/
    );
    const csv = file('longrec.csv', `timestamp,value\n2015-01-01 00:00:00,"${'z'.repeat(3000)}"\n`);
    await expect(readSeriesFile(csv, { maxLineLength: 1000 })).rejects.toThrow(/longrec\.csv.*longer than the limit/);
  });

  test('line numbers stay right with empty lines and quoted multi-line fields', async () => {
    const p = file('lines.csv', 'timestamp,value,note\n\n2015-01-01 00:00:00,1,"a\nb"\n\n2015-01-01 00:05:00,oops,c\n');
    await expect(readSeriesFile(p, { valueFields: ['value'] })).rejects.toThrow(/lines\.csv line 6, field "value"/);
  });
});

test('timestamps: ISO, NAB style (UTC), epoch seconds and ms', () => {
  expect(parseTimestamp('2015-01-01 00:05:00')).toBe(Date.UTC(2015, 0, 1, 0, 5));
  expect(parseTimestamp('2018-07-22T00:39:02.912Z')).toBe(Date.parse('2018-07-22T00:39:02.912Z'));
  expect(parseTimestamp(1420070400)).toBe(1420070400000);
  expect(parseTimestamp('1420070400000')).toBe(1420070400000);
  expect(parseTimestamp('soon')).toBeNaN();
});
