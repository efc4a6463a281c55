import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import { readLogRecords, type LogFileRecord } from './logFile';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-logfile-'));

async function all(file: string, options = {}): Promise<LogFileRecord[]> {
  const out: LogFileRecord[] = [];
  for await (const r of readLogRecords(file, options)) out.push(r);
  return out;
}

describe('readLogRecords', () => {
  it('splits text lines by a header format, appending lines that do not match to the line before', async () => {
    const file = path.join(tmp, 'app.log.gz');
    fs.writeFileSync(
      file,
      zlib.gzipSync(
        [
          'garbage before the first line',
          '2024-01-02 03:04:05,123 ERROR [main] app.Db: query failed',
          'java.sql.SQLException: timeout',
          '    at app.Db.run(Db.java:10)',
          '2024-01-02 03:04:06,000 INFO [main] app.Db: retried',
          '',
        ].join('\n')
      )
    );
    let unmatched: number[] = [];
    const got = await all(file, { header: 'log4j', onUnmatched: (a: number, d: number) => (unmatched = [a, d]) });
    expect(got.map((r) => [r.line, r.time, r.level, r.message])).toEqual([
      [
        2,
        Date.parse('2024-01-02T03:04:05.123Z'),
        'ERROR',
        'query failed\njava.sql.SQLException: timeout\n    at app.Db.run(Db.java:10)',
      ],
      [5, Date.parse('2024-01-02T03:04:06.000Z'), 'INFO', 'retried'],
    ]);
    expect(got[0].fields.Component).toBe('app.Db');
    expect(unmatched).toEqual([2, 1]);
  });

  it('reads NDJSON with a message field, its time and level', async () => {
    const file = path.join(tmp, 'app.ndjson');
    fs.writeFileSync(
      file,
      '{"@timestamp":"2024-01-02T03:04:05Z","log":{"level":"warn"},"message":"slow query 3 s"}\n{"@timestamp":1704164646,"message":"ok"}\n'
    );
    const got = await all(file, { levelField: 'log.level' });
    expect(got.map((r) => [r.time, r.level, r.message])).toEqual([
      [Date.parse('2024-01-02T03:04:05Z'), 'warn', 'slow query 3 s'],
      [1704164646000, undefined, 'ok'],
    ]);
  });

  it('names the file and what is wrong', async () => {
    await expect(all(path.join(tmp, 'missing.log'))).rejects.toThrow(/missing.log: file not found/);
    const noMsg = path.join(tmp, 'nomsg.ndjson');
    fs.writeFileSync(noMsg, '{"a":1}\n');
    await expect(all(noMsg)).rejects.toThrow(/nomsg.ndjson line 1: no message field/);
    const text = path.join(tmp, 'other.log');
    fs.writeFileSync(text, 'just words\n');
    await expect(all(text, { header: '<Level>: <Content>' })).rejects.toThrow(/no line matches the header format/);
  });

  it('without a header format each line is a message', async () => {
    const file = path.join(tmp, 'plain.log');
    fs.writeFileSync(file, 'a b\n\nc d\n');
    expect((await all(file)).map((r) => [r.line, r.message, r.time])).toEqual([
      [1, 'a b', NaN],
      [3, 'c d', NaN],
    ]);
  });
});
