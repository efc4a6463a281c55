/**
 * The provisioned alert rules on the compose stack's injected incidents, replayed through the engine.
 *
 * The traffic generator's model (`tools/traffic/model.ts`: a daily cycle, Poisson requests, a spike, an error burst,
 * an outage and a slow latency drift every 20 minutes from its start) is played second by second and scraped every
 * 15 s into a real Prometheus (backfilled with promtool; no sample while the shop is down, as a failed scrape); the
 * stack's Prometheus jobs (`tools/traffic/jobs.ts`) run in the engine every minute on a manual clock, and after every
 * run each rule of `provisioning/alerting/vigil-rules.yaml` is evaluated as Grafana does: query A through the engine's
 * Prometheus API at that minute, condition C on its samples, Pending then Firing after `for`.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../pkg/api/app';
import { defaultEngine } from '../../pkg/jobs/engine';
import { JobRunner } from '../../pkg/jobs/runner';
import { Scheduler } from '../../pkg/jobs/scheduler';
import { PrometheusHttpClient } from '../../pkg/sources/prometheus';
import { SourceRegistry } from '../../pkg/sources/registry';
import { PrometheusSeriesSource } from '../../pkg/sources/seriesSources';
import { Repo } from '../../pkg/store/repo';
import { SqliteStore } from '../../pkg/store/sqlite';
import { parsePromDuration } from '../../pkg/promapi/promql';
import type { JobSpec } from '../../pkg/contract/jobs';
import { SHOP_JOBS } from '../../tools/traffic/jobs';
import { incidentAt, poisson, rng, sampleRequest, trafficAt, type Incident } from '../../tools/traffic/model';
import { ManualClock } from '../helpers/jobs';
import { startPrometheusWith, type OwnPrometheus } from '../servers/prometheus';

const MIN = 60_000;
const SEED = 1;
const EVERY_MS = 20 * MIN; // the stack's INCIDENT_EVERY_MIN
const BASE_RPS = 20;
/** the generator starts (its incidents count from here); before it, quiet history the jobs learn from */
const ORIGIN = Date.UTC(2026, 2, 3, 9, 0, 0);
const HISTORY_FROM = ORIGIN - 3.2 * 86_400_000; // the first run's warm-up (2 days) and training window (1 day)
const QUIET_FROM = ORIGIN - 2 * 60 * MIN;
const END = ORIGIN + 150 * MIN;
const LE = [0.025, 0.05, 0.1, 0.2, 0.4, 0.8, 1.6, 3.2];
const TOKEN = 'replay-token-123';

/** Play the shop second by second and write what a 15-second scrape would have stored, as OpenMetrics. */
function shopOpenMetrics(): string {
  const rand = rng(SEED);
  const byStatus = new Map<string, number>();
  const buckets = new Array<number>(LE.length + 1).fill(0);
  const reqLines: string[] = [];
  const durLines: string[] = [];
  for (let t = HISTORY_FROM; t < END; t += 1000) {
    const state = trafficAt(t, incidentAt(t, ORIGIN, EVERY_MS, SEED), BASE_RPS);
    const n = poisson(state.rps, rand);
    for (let i = 0; i < n; i++) {
      const r = sampleRequest(state, rand);
      byStatus.set(String(r.status), (byStatus.get(String(r.status)) ?? 0) + 1);
      const s = r.latencyMs / 1000;
      for (let b = 0; b < LE.length; b++) if (s <= LE[b]) buckets[b]++;
      buckets[LE.length]++;
    }
    if (t % 15_000 === 0 && state.up) {
      const ts = t / 1000;
      for (const [status, c] of byStatus)
        reqLines.push(`http_requests_total{service="shop",status="${status}"} ${c} ${ts}`);
      LE.forEach((le, b) =>
        durLines.push(`http_request_duration_seconds_bucket{service="shop",le="${le}"} ${buckets[b]} ${ts}`)
      );
      durLines.push(`http_request_duration_seconds_bucket{service="shop",le="+Inf"} ${buckets[LE.length]} ${ts}`);
    }
  }
  // OpenMetrics wants each series' samples together, in time order
  const grouped = (lines: string[]) => {
    const by = new Map<string, string[]>();
    for (const l of lines) {
      const key = l.slice(0, l.indexOf('}') + 1);
      let g = by.get(key);
      if (!g) by.set(key, (g = []));
      g.push(l);
    }
    return [...by.values()].flat();
  };
  return [
    '# TYPE http_requests counter',
    ...grouped(reqLines),
    '# TYPE http_request_duration_seconds histogram',
    ...grouped(durLines),
    '# EOF',
    '',
  ].join('\n');
}

interface Rule {
  uid: string;
  title: string;
  expr: string;
  condition: { op: string; value: number };
  forMs: number;
}

/** The provisioned rules: query A's expression, condition C (`$A <op> <number>`), and `for`. */
function provisionedRules(): Rule[] {
  const file = path.join(__dirname, '..', '..', 'provisioning', 'alerting', 'vigil-rules.yaml');
  const doc = parseYaml(readFileSync(file, 'utf8')) as {
    groups: {
      rules: {
        uid: string;
        title: string;
        for: string;
        condition: string;
        data: { refId: string; model: Record<string, unknown> }[];
      }[];
    }[];
  };
  return doc.groups.flatMap((g) =>
    g.rules.map((r) => {
      const a = r.data.find((d) => d.refId === 'A')!.model;
      const c = r.data.find((d) => d.refId === r.condition)!.model;
      const m = /^\$A\s*(>=|<=|>|<|==|!=)\s*(-?[\d.]+)$/.exec(String(c.expression).trim());
      if (!m) throw new Error(`rule ${r.uid}: condition ${String(c.expression)} is not "$A <op> <number>"`);
      return {
        uid: r.uid,
        title: r.title,
        expr: String(a.expr),
        condition: { op: m[1], value: Number(m[2]) },
        forMs: parsePromDuration(r.for),
      };
    })
  );
}

function holds(op: string, a: number, b: number): boolean {
  return op === '>'
    ? a > b
    : op === '<'
      ? a < b
      : op === '>='
        ? a >= b
        : op === '<='
          ? a <= b
          : op === '=='
            ? a === b
            : a !== b;
}

/** One alert instance's life: when it went Pending and when it fired. */
interface Instance {
  rule: string;
  labels: Record<string, string>;
  pendingSince?: number;
  firings: { at: number; until?: number }[];
}

let prom: OwnPrometheus;
let repo: Repo;
let app: FastifyInstance;
let clock: ManualClock;
const instances = new Map<string, Instance>();
let rules: Rule[];
/** Each rule's query A per evaluation minute: time -> job -> value (for the report). */
const timeline = new Map<string, Map<number, Record<string, number>>>();

/** Evaluate every rule at the clock's time, as Grafana's scheduler does each minute. */
async function evaluateRules(only?: string): Promise<void> {
  const t = clock.now();
  for (const rule of rules) {
    if (only && rule.uid !== only) continue;
    const res = await app.inject({
      method: 'POST',
      url: '/api/v1/query',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({ query: rule.expr, time: String(t / 1000) }).toString(),
    });
    const body = res.json() as {
      status: string;
      error?: string;
      data: { result: { metric: Record<string, string>; value: [number, string] }[] };
    };
    if (body.status !== 'success') throw new Error(`rule ${rule.uid}: ${body.error}`);
    let byTime = timeline.get(rule.uid);
    if (!byTime) timeline.set(rule.uid, (byTime = new Map()));
    byTime.set(t, Object.fromEntries(body.data.result.map((s) => [s.metric.job ?? '', Number(s.value[1])])));
    const active = new Set<string>();
    for (const s of body.data.result) {
      if (!holds(rule.condition.op, Number(s.value[1]), rule.condition.value)) continue;
      const key = `${rule.uid}|${JSON.stringify(s.metric)}`;
      active.add(key);
      let inst = instances.get(key);
      if (!inst) instances.set(key, (inst = { rule: rule.uid, labels: s.metric, firings: [] }));
      inst.pendingSince ??= t;
      const last = inst.firings[inst.firings.length - 1];
      if (t - inst.pendingSince >= rule.forMs && (!last || last.until !== undefined)) inst.firings.push({ at: t });
    }
    for (const [key, inst] of instances) {
      if (inst.rule !== rule.uid || active.has(key)) continue;
      inst.pendingSince = undefined;
      const last = inst.firings[inst.firings.length - 1];
      if (last && last.until === undefined) last.until = t;
    }
  }
}

/** Firings of a rule for a job in [from, to). */
function firings(rule: string, job: string, from: number, to: number): number[] {
  return [...instances.values()]
    .filter((i) => i.rule === rule && i.labels.job === job)
    .flatMap((i) => i.firings.map((f) => f.at))
    .filter((at) => at >= from && at < to)
    .sort((a, b) => a - b);
}

/** The incidents the generator injects in [from, to). */
function incidents(from: number, to: number): Incident[] {
  const out: Incident[] = [];
  for (let t = from; t < to; t += 15_000) {
    const i = incidentAt(t, ORIGIN, EVERY_MS, SEED);
    if (i && !out.some((o) => o.start === i.start)) out.push(i);
  }
  return out;
}

const JOB_OF: Record<Incident['kind'], string> = {
  spike: 'shop request rate',
  error_burst: 'shop error rate',
  outage: 'shop request rate',
  slow_drift: 'shop latency p95',
};

beforeAll(async () => {
  rules = provisionedRules();
  prom = await startPrometheusWith(shopOpenMetrics());
  repo = new Repo(await SqliteStore.open());
  clock = new ManualClock(QUIET_FROM + 5_000);
  const sources = new SourceRegistry([
    new PrometheusSeriesSource('prometheus', new PrometheusHttpClient({ url: prom.url })),
  ]);
  const runner = new JobRunner({ repo, sources, engine: defaultEngine, clock });
  const scheduler = new Scheduler({ repo, runner, clock });
  app = await buildApp({ apiToken: TOKEN, repo, sources, clock });
  const jobs = [];
  for (const spec of SHOP_JOBS.filter((j) => j.source.type === 'prometheus')) {
    jobs.push(await repo.createJob(structuredClone(spec) as unknown as JobSpec, clock.now()));
  }
  // every minute: each job runs on the newest complete bucket, then the rules are evaluated
  for (; clock.now() < END; clock.t += MIN) {
    for (const job of jobs) {
      await scheduler.runNow(job.id);
      const last = (await repo.getJob(job.id, clock.now()))!.lastRun!;
      if (!last.ok) throw new Error(`job ${job.name} failed at ${new Date(clock.now()).toISOString()}: ${last.error}`);
    }
    await evaluateRules();
  }
}, 600_000);

afterAll(async () => {
  await app?.close();
  await repo?.store.close();
  await prom?.stop();
});

describe('the provisioned alert rules on the stack’s injected incidents', () => {
  it('stay quiet on normal traffic', () => {
    const firstIncident = incidents(ORIGIN, END)[0].start;
    for (const job of Object.values(JOB_OF)) {
      expect({ job, firings: firings('vigil-anomaly-critical', job, QUIET_FROM, firstIncident) }).toEqual({
        job,
        firings: [],
      });
    }
    expect([...instances.values()].filter((i) => i.rule === 'vigil-results-missing' && i.firings.length)).toEqual([]);
  });

  // Every incident, the repeats included: the second spike and error burst come 80 minutes after the first, inside
  // the novelty detector's hold, so they are as novel as the first ones (not matched against what those left).
  it('fire the critical anomaly rule on every injected incident, within five minutes on each 3-minute spike and error burst', () => {
    const hhmm = (t: number) => new Date(t).toISOString().slice(11, 16);
    const report: string[] = [];
    const late: { incident: string; start: string; minutes: number | null }[] = [];
    const all = incidents(ORIGIN, END - 10 * MIN);
    for (const inc of all) {
      const job = JOB_OF[inc.kind];
      const fired = firings('vigil-anomaly-critical', job, inc.start, inc.end + 15 * MIN)[0];
      const minutes = fired === undefined ? null : Math.round(((fired - inc.start) / MIN) * 10) / 10;
      const scores = [...(timeline.get('vigil-anomaly-critical') ?? new Map<number, Record<string, number>>())]
        .filter(([t]) => t >= inc.start - MIN && t <= inc.end + 8 * MIN)
        .map(([t, v]) => `${hhmm(t)}=${v[job] === undefined ? '-' : Math.round(v[job])}`);
      report.push(
        `${inc.kind.padEnd(12)} ${hhmm(inc.start)}-${hhmm(inc.end)} ${job.padEnd(18)} ${minutes === null ? 'not fired' : `fired after ${minutes} min`}; query A: ${scores.join(' ')}`
      );
      const quick = inc.kind === 'spike' || inc.kind === 'error_burst';
      if (minutes === null || (quick && minutes > 5))
        late.push({ incident: inc.kind, start: hhmm(inc.start), minutes });
    }
    process.stdout.write(
      `\nalert rule replay (critical anomaly, minutes from incident start):\n${report.join('\n')}\n`
    );
    expect(all.filter((i) => i.kind === 'spike' || i.kind === 'error_burst').length).toBeGreaterThanOrEqual(4);
    expect(late).toEqual([]);
  });

  // The job's forecast extends the young ramp once it stands out from the series' usual wandering (about 12 minutes
  // in, 51 minutes to the breach at its slope) and the rule fires 3 minutes later, at the crossing: the histogram's
  // p95 jumps when it enters the 200-400 ms bucket, faster than the ramp. The report prints both times.
  it('fire the forecast-breach rule on the slow latency drift, and never on normal traffic', async () => {
    const hhmm = (t: number) => new Date(t).toISOString().slice(11, 16);
    const drift = incidents(ORIGIN, END).find((i) => i.kind === 'slow_drift')!;
    const results = await repo.readResults(undefined, drift.start, END);
    const p95 = results.find((r) => r.jobName === 'shop latency p95')!.points;
    const crossed = p95.find((p) => p.t >= drift.start && (p.value ?? 0) > 0.25)?.t;
    const warned = firings('vigil-forecast-breach', 'shop latency p95', drift.start - 5 * MIN, END)[0];
    const seconds = [...(timeline.get('vigil-forecast-breach') ?? new Map<number, Record<string, number>>())]
      .filter(([t]) => t >= drift.start && t <= (crossed ?? drift.end) + 5 * MIN)
      .map(([t, v]) => `${hhmm(t)}=${v['shop latency p95'] ?? '-'}`);
    const values = p95
      .filter((p) => p.t >= drift.start && p.t <= (crossed ?? drift.end) + 5 * MIN)
      .map((p) => `${hhmm(p.t)}=${Math.round((p.value ?? NaN) * 1000)}`);
    process.stdout.write(
      `forecast breach: drift from ${hhmm(drift.start)}, p95 above 250 ms from ${crossed ? hhmm(crossed) : 'never'}, rule fired at ${warned ? hhmm(warned) : 'never'}\n` +
        `  p95 (ms): ${values.join(' ')}\n  seconds to breach (query A): ${seconds.join(' ')}\n`
    );
    expect(crossed).toBeDefined();
    expect(warned).toBeDefined();
    expect(warned!).toBeLessThan(drift.end);
    // every firing comes with an incident (the spike also lifts p95 above 250 ms), none on normal traffic
    const all = [...instances.values()].filter((i) => i.rule === 'vigil-forecast-breach').flatMap((i) => i.firings);
    const during = (at: number) => incidents(ORIGIN, END).some((i) => at >= i.start && at <= i.end + 10 * MIN);
    expect(all.filter((f) => !during(f.at)).map((f) => hhmm(f.at))).toEqual([]);
  });
});
