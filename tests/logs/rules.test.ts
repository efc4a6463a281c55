import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { applyRules, type FieldedLogRecord } from '../../pkg/logs/analyze';
import { loadGeoIp } from '../../pkg/logs/geoip';
import { readLogRecords } from '../../pkg/logs/logFile';
import { loadRules } from '../../pkg/logs/ruleFiles';
import type { Job } from '../../pkg/contract/jobs';
import { LogJobEvents } from '../../pkg/logs/logJobs';
import { ElasticsearchLogSource } from '../../pkg/logs/logSource';
import { Redactor } from '../../pkg/logs/redact';
import type { ElasticsearchHttpClient, EsLogQuery, EsLogSample } from '../../pkg/sources/elasticsearch';
import { LOGHUB_DIR, REPO_ROOT, WEBLOGS_FILE } from '../helpers/shared';

// The default rule pack on loghub's OpenSSH sample (Zhu et al., "Loghub: A Large Collection of System Log Datasets
// for AI-driven Log Analytics", ISSRE 2023) and on the sample web logs.

const exec = promisify(execFile);
const OPENSSH = path.join(LOGHUB_DIR, 'OpenSSH', 'OpenSSH_2k.log');
const OPENSSH_HEADER = '<Date> <Day> <Time> <Component> sshd\\[<Pid>\\]: <Content>';

async function read(file: string, options = {}): Promise<FieldedLogRecord[]> {
  const out: FieldedLogRecord[] = [];
  for await (const r of readLogRecords(file, options)) out.push(r);
  return out;
}

describe('the default pack on OpenSSH', () => {
  let run: ReturnType<typeof applyRules>;
  beforeAll(async () => {
    run = applyRules(await read(OPENSSH, { header: OPENSSH_HEADER, year: 2005 }), loadRules(['default']), {});
  });

  it('reports the brute-force sources, the largest first', () => {
    const brute = new Map<string, number>();
    for (const e of run.ruleEvents.filter((x) => x.rule === 'ssh-brute-force'))
      brute.set(e.key!, (brute.get(e.key!) ?? 0) + e.count);
    expect([...brute.entries()].sort((a, b) => b[1] - a[1])).toEqual([
      ['183.62.140.253', 286],
      ['187.141.143.180', 80],
      ['103.99.0.122', 46],
      ['112.95.230.3', 26],
      ['5.188.10.180', 20],
      ['185.190.58.151', 18],
    ]);
    const top = run.ruleEvents.find((e) => e.rule === 'ssh-brute-force' && e.key === '183.62.140.253')!;
    expect(top.severity).toBe('major');
    expect(top.examples).toHaveLength(5);
    expect(top.examples.every((x) => x.message.includes('from 183.62.140.253'))).toBe(true);
  });

  it('reports the user-name sweeps with the names tried', () => {
    const sweep = run.ruleEvents.find((e) => e.rule === 'invalid-user-sweep' && e.key === '187.141.143.180')!;
    expect(sweep.actual).toBeGreaterThanOrEqual(20);
    expect(sweep.values!.length).toBeGreaterThanOrEqual(10);
    expect(run.ruleEvents.filter((e) => e.rule.startsWith('web-'))).toEqual([]);
  });
});

describe('the default pack on the web logs', () => {
  let run: ReturnType<typeof applyRules>;
  beforeAll(async () => {
    run = applyRules(await read(WEBLOGS_FILE), loadRules(['default']), { geoip: loadGeoIp() });
  });

  it('reports the 2018-09-01 scan with the client and example requests, and nothing else', () => {
    expect(run.ruleEvents.map((e) => [e.rule, e.key])).toEqual([
      ['web-url-scan', '30.156.16.164'],
      ['web-path-traversal', '30.156.16.164'],
    ]);
    const scan = run.ruleEvents[0];
    expect(new Date(scan.start).toISOString()).toBe('2018-09-01T12:43:41.756Z');
    expect(scan.count).toBe(100);
    expect(scan.examples).toHaveLength(5);
    expect(scan.examples[0].message).toMatch(/"GET \/nmaplowercheck\d+ HTTP\/1.1" 404/);
    const traversal = run.ruleEvents[1];
    expect(traversal.examples.some((x) => x.message.includes('/../../../../../../../../etc/passwd'))).toBe(true);
  });
});

test('vigil rules prints the hits of a raw log file', async () => {
  const { stdout } = await exec(process.execPath, [
    path.join(REPO_ROOT, 'bin', 'vigil.js'),
    'rules',
    OPENSSH,
    '--header',
    OPENSSH_HEADER,
    '--year',
    '2005',
  ]);
  expect(stdout).toMatch(/^Vigil rules on OpenSSH_2k.log: 2000 lines, \d+ rules, \d+ hits/);
  expect(stdout).toMatch(/ssh-brute-force\s+183\.62\.140\.253\s+286\s+major/);
  expect(stdout).toMatch(/ip 183\.62\.140\.253: ssh-brute-force \(failed SSH logins from one address\)/);
});

describe('rules in a log job', () => {
  // the OpenSSH sample as an index: each run of the job reads the messages of its span, as from OpenSearch
  let records: FieldedLogRecord[];
  const client = {
    info: async () => ({}),
    logMessages: async (q: EsLogQuery): Promise<EsLogSample> => {
      const messages = records
        .filter((r) => r.time >= q.startMs && r.time < q.endMs)
        .map((r) => ({ time: r.time, message: r.message, fields: {} }));
      return { messages, total: messages.length, sampled: false };
    },
  } as unknown as ElasticsearchHttpClient;
  const job = {
    id: 'j1',
    name: 'sshd',
    source: { type: 'elasticsearch-logs', index: 'sshd', timeField: '@timestamp', messageField: 'message' },
  } as unknown as Job;
  const KEY = 'test-key';

  beforeAll(async () => {
    records = await read(OPENSSH, { header: OPENSSH_HEADER, year: 2005 });
  });

  it('reports over runs of one minute what one pass reports, redacted, once each burst is over', async () => {
    const once = applyRules(records, loadRules(['default']), {}).ruleEvents;
    const redactor = new Redactor({ key: KEY });
    const rules = new LogJobEvents({ rules: () => loadRules(['default']), redactor });
    const source = new ElasticsearchLogSource('os', client);
    const minute = 60_000;
    const first = Math.floor(records[0].time / minute) * minute;
    const last = records[records.length - 1].time;
    const runs: Awaited<ReturnType<LogJobEvents['run']>>[] = [];
    // runs until an hour after the last line, so every window (the longest is an hour) has passed
    for (let t = first; t <= last + 61 * minute; t += minute) runs.push(await rules.run(job, source, t, t + minute));
    const events = runs.flat();
    const view = (e: { start: number; end: number; labels: Record<string, string>; detectors: object }) => [
      e.start,
      e.end,
      e.labels.rule,
      e.labels.key,
      e.detectors,
    ];
    expect(events.map(view).sort()).toEqual(once.map((e) => view(redactor.deep(e))).sort());
    const top = events.find(
      (e) => e.labels.rule === 'ssh-brute-force' && e.labels.key === redactor.pseudonym('ip', '183.62.140.253')
    )!;
    expect(top).toMatchObject({ count: 286, detectors: { 'rule:ssh-brute-force': 70 } });
    expect(JSON.stringify(events)).not.toMatch(/183\.62\.140\.253/);
    // an event is handed back in the run where its window passed, not before
    const at = runs.findIndex((r) => r.includes(top));
    expect(first + (at + 1) * minute).toBeGreaterThan(top.end + 10 * minute);
    expect(first + at * minute).toBeLessThanOrEqual(top.end + 10 * minute + minute);
  });
});
