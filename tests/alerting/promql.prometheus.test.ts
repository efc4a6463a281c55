/**
 * The engine's PromQL against a real Prometheus given the same data: the same series are backfilled into a
 * Prometheus of this test's own (`promtool tsdb create-blocks-from openmetrics`) and written to the engine's store
 * as a job's results; every query is asked of both over the same range and the answers must agree (label sets,
 * timestamps and values to 1e-9).
 */
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../pkg/api/app';
import { evaluateRange, matchesAll, parsePromQL, type RangeSeries, type SelectFn } from '../../pkg/promapi/promql';
import { resultLabels } from '../../pkg/promapi/catalog';
import { Repo, type StoredPoint } from '../../pkg/store/repo';
import { SqliteStore } from '../../pkg/store/sqlite';
import type { Labels } from '../../pkg/core/series';
import { startPrometheusWith, type OwnPrometheus } from '../servers/prometheus';
import { ManualClock } from '../helpers/jobs';

const MIN = 60_000;
const T0 = Date.UTC(2024, 2, 1, 0, 0, 0);
const SPAN = 180 * MIN;
const TOKEN = 'promql-compare-token';

/** mulberry32: seeded uniform numbers in [0, 1). */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface JobData {
  name: string;
  id?: string;
  instances: string[];
}
const JOBS: JobData[] = [
  { name: 'api', instances: ['a1', 'a2'] },
  { name: 'db', instances: ['d1'] },
];

/** Scored points of one result series: a quiet score with two incidents, a gap for db/d1. */
function resultPoints(job: string, instance: string): StoredPoint[] {
  const rand = rng(job.length * 31 + instance.charCodeAt(1));
  const out: StoredPoint[] = [];
  for (let t = T0; t < T0 + SPAN; t += MIN) {
    const m = (t - T0) / MIN;
    if (instance === 'd1' && m >= 70 && m < 82) continue; // the series stopped for 12 minutes
    const incident = (job === 'api' && instance === 'a1' && m >= 40 && m < 43) || (job === 'db' && m >= 120 && m < 125);
    const score = incident ? 80 + Math.round(rand() * 20) : Math.round(rand() * 3000) / 100;
    const value = 100 + rand() * 10 + (incident ? 60 : 0);
    out.push({
      t,
      value,
      expected: 105,
      lower: 98,
      upper: 112,
      score,
      anomaly: incident,
      direction: incident ? 1 : 0,
    });
  }
  return out;
}

/** A counter scraped every 15 s with two resets, for rate/increase/irate/resets. */
function counterPoints(instance: string): [number, number][] {
  const rand = rng(instance.charCodeAt(0));
  const out: [number, number][] = [];
  let c = 0;
  for (let t = T0 + 7_000; t < T0 + SPAN; t += 15_000) {
    const m = (t - T0) / MIN;
    if ((m >= 50 && m < 50.25) || (m >= 130 && m < 130.25)) c = 0; // process restarts
    c += Math.floor(rand() * 20);
    out.push([t, c]);
  }
  return out;
}

function omLabels(labels: Labels): string {
  return Object.entries(labels)
    .filter(([k]) => k !== '__name__')
    .map(([k, v]) => `${k}="${v.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`)
    .join(',');
}

let prom: OwnPrometheus;
let app: FastifyInstance;
let repo: Repo;
/** every series as the engine serves it, for evaluating outside the API */
const all: RangeSeries[] = [];

beforeAll(async () => {
  repo = new Repo(await SqliteStore.open());
  const families = new Map<string, string[]>();
  const add = (labels: Labels, points: [number, number][]) => {
    all.push({ labels, points });
    const name = labels.__name__;
    const lines = families.get(name) ?? [];
    for (const [t, v] of points) lines.push(`${name}{${omLabels(labels)}} ${v} ${t / 1000}`);
    families.set(name, lines);
  };
  for (const job of JOBS) {
    job.id = (await repo.createJob({ name: job.name, source: { type: 'prometheus', query: 'up' } }, T0)).id;
    for (const instance of job.instances) {
      const source = { __name__: 'up', instance };
      const points = resultPoints(job.name, instance);
      await repo.writeResults(job.id, source, points);
      const lab = (name: string, extra: Labels = {}) => resultLabels(name, job.name, job.id!, source, extra);
      add(
        lab('vigil_anomaly_score'),
        points.map((p) => [p.t, p.score!])
      );
      add(
        lab('vigil_anomalous'),
        points.map((p) => [p.t, p.anomaly ? p.direction : 0])
      );
      add(
        lab('vigil_expected', { bound: 'upper' }),
        points.map((p) => [p.t, p.upper!])
      );
    }
  }
  for (const instance of ['x', 'y']) add({ __name__: 'demo_requests_total', instance }, counterPoints(instance));
  const om: string[] = [];
  for (const [name, lines] of families) {
    // OpenMetrics: a counter family is named without its _total suffix
    om.push(name.endsWith('_total') ? `# TYPE ${name.slice(0, -6)} counter` : `# TYPE ${name} gauge`, ...lines);
  }
  om.push('# EOF', '');
  prom = await startPrometheusWith(om.join('\n'));
  app = await buildApp({ apiToken: TOKEN, repo, clock: new ManualClock(T0 + SPAN) });
}, 180_000);

afterAll(async () => {
  await app?.close();
  await repo?.store.close();
  await prom?.stop();
});

type Answer = { metric: Labels; values: [number, string][] }[];

async function prometheusRange(query: string, start: number, end: number, stepS: number): Promise<Answer> {
  const body = new URLSearchParams({
    query,
    start: String(start / 1000),
    end: String(end / 1000),
    step: String(stepS),
  });
  const res = await fetch(`${prom.url}/api/v1/query_range`, { method: 'POST', body });
  const json = (await res.json()) as { status: string; error?: string; data: { result: Answer } };
  if (json.status !== 'success') throw new Error(`Prometheus refused ${query}: ${json.error}`);
  return json.data.result;
}

async function engineRange(query: string, start: number, end: number, stepS: number): Promise<Answer> {
  const res = await app.inject({
    method: 'POST',
    url: '/api/v1/query_range',
    headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/x-www-form-urlencoded' },
    payload: new URLSearchParams({
      query,
      start: String(start / 1000),
      end: String(end / 1000),
      step: String(stepS),
    }).toString(),
  });
  const json = res.json() as { status: string; error?: string; data: { result: Answer } };
  if (json.status !== 'success') throw new Error(`the engine refused ${query}: ${json.error}`);
  return json.data.result;
}

function evaluatorRange(query: string, start: number, end: number, stepS: number): Answer {
  const select: SelectFn = (m) => all.filter((s) => matchesAll(m, s.labels));
  return evaluateRange(parsePromQL(query), start, end, stepS * 1000, select).map((s) => ({
    metric: s.labels,
    values: s.points.map(([t, v]) => [t / 1000, String(v)]),
  }));
}

/** Answers as comparable records: label set -> time -> value. */
function normalise(a: Answer): Map<string, Map<number, number>> {
  const out = new Map<string, Map<number, number>>();
  for (const s of a) {
    const key = JSON.stringify(Object.entries(s.metric).sort());
    out.set(
      key,
      new Map(
        s.values.map(([t, v]) => [Math.round(t * 1000), Number(v === '+Inf' ? Infinity : v === '-Inf' ? -Infinity : v)])
      )
    );
  }
  return out;
}

function expectSame(query: string, ours: Answer, theirs: Answer): void {
  expect({ query, empty: theirs.length === 0 }).toEqual({ query, empty: false }); // every query has an answer here
  const a = normalise(ours);
  const b = normalise(theirs);
  expect({ query, series: [...a.keys()].sort() }).toEqual({ query, series: [...b.keys()].sort() });
  for (const [key, points] of b) {
    const mine = a.get(key)!;
    expect({ query, key, times: [...mine.keys()] }).toEqual({ query, key, times: [...points.keys()] });
    for (const [t, v] of points) {
      const w = mine.get(t)!;
      const close = Number.isNaN(v) ? Number.isNaN(w) : v === w || Math.abs(w - v) <= 1e-9 * Math.max(1, Math.abs(v));
      if (!close) throw new Error(`${query}: ${key} at ${new Date(t).toISOString()}: engine ${w}, Prometheus ${v}`);
    }
  }
}

/** The alert rules' expressions and the functions they use, asked over the whole span at two steps. */
const RESULT_QUERIES = [
  'vigil_anomaly_score',
  'max by (job) (max_over_time(vigil_anomaly_score[10m])) >= 75',
  'max_over_time(vigil_anomaly_score[10m])',
  'min_over_time(vigil_anomaly_score[10m])',
  'avg_over_time(vigil_anomaly_score[15m])',
  'sum_over_time(vigil_anomaly_score[5m])',
  'count_over_time(vigil_anomaly_score[10m])',
  'last_over_time(vigil_anomaly_score[10m])',
  'stddev_over_time(vigil_anomaly_score[10m])',
  'quantile_over_time(0.9, vigil_anomaly_score[15m])',
  'present_over_time(vigil_anomaly_score{instance="d1"}[5m])',
  'vigil_anomaly_score offset 5m',
  'max_over_time(vigil_anomaly_score[5m] offset 10m)',
  'delta(vigil_anomaly_score[10m])',
  'idelta(vigil_anomaly_score[10m])',
  'changes(vigil_anomalous[15m])',
  'absent(vigil_anomaly_score{job="db"})',
  'absent(vigil_anomaly_score{job="nope", instance="z"})',
  'absent_over_time(vigil_anomaly_score{job="db", instance="d1"}[3m])',
  'max by (job) (abs(vigil_anomalous)) * on (job) max by (job) (vigil_anomaly_score)',
  'vigil_anomaly_score and on (job, instance) vigil_anomalous != 0',
  'vigil_anomaly_score unless on (job) vigil_anomalous == 1',
  'vigil_anomaly_score > bool 50',
  'vigil_expected{bound="upper"} - ignoring (bound) vigil_anomaly_score',
  'max_over_time(max by (job) (vigil_anomaly_score)[10m:1m])',
  'sum by (job) (vigil_anomaly_score) / count by (job) (vigil_anomaly_score)',
  'clamp_max(vigil_anomaly_score, 50) + 1',
  'timestamp(vigil_anomaly_score{instance="d1"})',
];
const COUNTER_QUERIES = [
  'rate(demo_requests_total[5m])',
  'increase(demo_requests_total[10m])',
  'irate(demo_requests_total[2m])',
  'resets(demo_requests_total[30m])',
  'sum(rate(demo_requests_total[1m]))',
];

describe('the engine PromQL against a real Prometheus on the same data', () => {
  it.each(RESULT_QUERIES)('%s through the engine API equals Prometheus', async (query) => {
    for (const [start, stepS] of [
      [T0 + 5 * MIN, 60],
      [T0 + 5 * MIN + 17_000, 37],
    ]) {
      const end = T0 + SPAN + 10 * MIN;
      expectSame(query, await engineRange(query, start, end, stepS), await prometheusRange(query, start, end, stepS));
    }
  });

  it.each(COUNTER_QUERIES)('%s on a counter with resets equals Prometheus', async (query) => {
    for (const [start, stepS] of [
      [T0 + 5 * MIN, 60],
      [T0 + 5 * MIN + 17_000, 37],
    ]) {
      const end = T0 + SPAN;
      expectSame(query, evaluatorRange(query, start, end, stepS), await prometheusRange(query, start, end, stepS));
    }
  });
});
