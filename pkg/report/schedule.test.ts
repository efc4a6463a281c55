import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { ManualClock } from '../../tests/helpers/jobs';
import {
  lastPeriod,
  ReportScheduler,
  type ReportRun,
  type ReportRunStore,
  type ReportScheduleConfig,
} from './schedule';

const WED = Date.UTC(2024, 0, 10, 10); // Wednesday 10 Jan 2024, 10:00 UTC

class MemoryRuns implements ReportRunStore {
  last = new Map<string, number>();
  async lastRun(name: string) {
    return this.last.get(name);
  }
  async setLastRun(name: string, t: number) {
    this.last.set(name, t);
  }
}

describe('scheduled reports', () => {
  let dir: string;
  let server: Server;
  let url: string;
  const posted: { headers: Record<string, unknown>; body: Buffer }[] = [];
  let status = 200;
  beforeAll(async () => {
    server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        posted.push({ headers: req.headers, body: Buffer.concat(chunks) });
        res.writeHead(status).end();
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/reports`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));
  beforeEach(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'vigil-reports-'));
    posted.length = 0;
    status = 200;
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  test('periods: the last whole UTC day, the last whole week from Monday', () => {
    expect(lastPeriod('1d', WED)).toEqual({ from: Date.UTC(2024, 0, 9), to: Date.UTC(2024, 0, 10) });
    expect(lastPeriod('1w', WED)).toEqual({ from: Date.UTC(2024, 0, 1), to: Date.UTC(2024, 0, 8) });
  });

  test('due reports run at start, then at each period end; a restart does not repeat a sent period', async () => {
    const clock = new ManualClock(WED);
    const runs = new MemoryRuns();
    const done: ReportRun[] = [];
    const configs: ReportScheduleConfig[] = [
      { name: 'weekly', every: '1w', format: 'pdf', folder: dir },
      { name: 'daily', every: '1d', format: 'json', webhook: { url, headers: { authorization: 'Bearer hook' } } },
    ];
    const rendered: string[] = [];
    const make = () =>
      new ReportScheduler(configs, {
        clock,
        runs,
        render: async (c, from, to) => {
          rendered.push(
            `${c.name} ${new Date(from).toISOString().slice(0, 10)} ${new Date(to).toISOString().slice(0, 10)}`
          );
          return c.format === 'pdf'
            ? { body: Buffer.from('%PDF-1.3 fake'), contentType: 'application/pdf', charts: [] }
            : { body: '{"report":true}', contentType: 'application/json; charset=utf-8', charts: [] };
        },
        onRun: (r) => done.push(r),
      });
    const s = make();
    await s.start();
    expect(rendered).toEqual(['weekly 2024-01-01 2024-01-08', 'daily 2024-01-09 2024-01-10']);
    expect(readdirSync(dir)).toEqual(['weekly-2024-01-01.pdf']);
    expect(readFileSync(path.join(dir, 'weekly-2024-01-01.pdf'), 'utf8')).toBe('%PDF-1.3 fake');
    expect(posted).toHaveLength(1);
    expect(posted[0].headers).toMatchObject({
      'content-type': 'application/json; charset=utf-8',
      authorization: 'Bearer hook',
      'x-vigil-report': 'daily',
      'x-vigil-report-from': '2024-01-09T00:00:00.000Z',
      'x-vigil-report-to': '2024-01-10T00:00:00.000Z',
    });
    expect(done.map((r) => r.error)).toEqual([undefined, undefined]);
    // the next midnight: the daily report for Wednesday
    await clock.advance(Date.UTC(2024, 0, 11) - WED + 1000);
    await s.stop();
    expect(rendered.at(-1)).toBe('daily 2024-01-10 2024-01-11');
    // a restart the same day sends nothing again
    const before = rendered.length;
    const again = make();
    await again.start();
    await again.stop();
    expect(rendered).toHaveLength(before);
  });

  test('a failing webhook is recorded and tried again 15 minutes later', async () => {
    const clock = new ManualClock(WED);
    const runs = new MemoryRuns();
    const done: ReportRun[] = [];
    status = 400;
    const s = new ReportScheduler([{ name: 'd', every: '1d', format: 'json', webhook: { url } }], {
      clock,
      runs,
      render: async () => ({ body: '{}', contentType: 'application/json', charts: [] }),
      onRun: (r) => done.push(r),
    });
    await s.start();
    expect(done).toEqual([expect.objectContaining({ error: 'webhook answered HTTP 400', webhookStatus: 400 })]);
    expect(runs.last.get('d')).toBeUndefined();
    status = 200;
    await clock.advance(15 * 60_000);
    await s.stop();
    expect(done.at(-1)).toMatchObject({ webhookStatus: 200 });
    expect(runs.last.get('d')).toBe(Date.UTC(2024, 0, 10));
  });
});
