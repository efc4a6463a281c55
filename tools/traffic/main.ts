/**
 * Traffic generator of the compose stack: plays a small web shop. Every second it serves a Poisson number
 * of requests following `model.ts` (daily cycle, incidents now and then), counts them in Prometheus
 * metrics on :9100/metrics (`http_requests_total{service,route,method,status}`,
 * `http_request_duration_seconds{service,route}`), and writes one access-log document per request to
 * OpenSearch (`weblogs-YYYY.MM.DD`, bulk every 5 s). At start it creates the demo jobs in the engine when
 * they are missing.
 *
 * Environment: OPENSEARCH_URL (default http://opensearch:9200), VIGIL_URL (http://vigil:8080),
 * VIGIL_API_TOKEN, PORT (9100), BASE_RPS (20), INCIDENT_EVERY_MIN (20), SEED (1).
 *
 * Run: node --import tsx tools/traffic/main.ts
 */
import http from 'node:http';
import { Counter, Histogram, Registry } from 'prom-client';

import { SHOP_JOBS } from './jobs';
import { incidentAt, poisson, rng, sampleRequest, trafficAt } from './model';

const env = (k: string, d: string) => process.env[k] ?? d;
const OPENSEARCH = env('OPENSEARCH_URL', 'http://opensearch:9200');
const VIGIL = env('VIGIL_URL', 'http://vigil:8080');
const TOKEN = env('VIGIL_API_TOKEN', '');
const PORT = Number(env('PORT', '9100'));
const BASE_RPS = Number(env('BASE_RPS', '20'));
const EVERY_MS = Number(env('INCIDENT_EVERY_MIN', '20')) * 60_000;
const SEED = Number(env('SEED', '1'));

const AGENTS = ['Mozilla/5.0 (X11; Linux x86_64)', 'Mozilla/5.0 (Macintosh)', 'curl/8.5.0', 'Googlebot/2.1'];

const registry = new Registry();
const requests = new Counter({
  name: 'http_requests_total',
  help: 'Requests served by the demo shop',
  labelNames: ['service', 'route', 'method', 'status'],
  registers: [registry],
});
const duration = new Histogram({
  name: 'http_request_duration_seconds',
  help: 'Request latency of the demo shop',
  labelNames: ['service', 'route'],
  buckets: [0.025, 0.05, 0.1, 0.2, 0.4, 0.8, 1.6, 3.2],
  registers: [registry],
});

const origin = Date.now();
const rand = rng(SEED);
let buffer: string[] = [];
let up = true;

function tick(now: number) {
  const incident = incidentAt(now, origin, EVERY_MS, SEED);
  const state = trafficAt(now, incident, BASE_RPS);
  up = state.up;
  const n = poisson(state.rps, rand);
  for (let i = 0; i < n; i++) {
    const { route, method, status, latencyMs } = sampleRequest(state, rand);
    const client = `10.0.${Math.floor(rand() * 8)}.${Math.floor(rand() * 250) + 1}`;
    requests.inc({ service: 'shop', route, method, status: String(status) });
    duration.observe({ service: 'shop', route }, latencyMs / 1000);
    const ts = new Date(now - Math.floor(rand() * 1000)).toISOString();
    const doc = {
      '@timestamp': ts,
      host: 'shop',
      client_ip: client,
      method,
      path: route,
      status,
      bytes: status >= 400 ? 512 : Math.floor(2000 + rand() * 30000),
      latency_ms: Math.round(latencyMs * 10) / 10,
      user_agent: AGENTS[Math.floor(rand() * AGENTS.length)],
      level: status >= 500 ? 'error' : status >= 400 ? 'warn' : 'info',
      message: `${client} "${method} ${route}" ${status} ${Math.round(latencyMs)}ms`,
    };
    const index = `weblogs-${ts.slice(0, 10).replace(/-/g, '.')}`;
    buffer.push(JSON.stringify({ index: { _index: index } }), JSON.stringify(doc));
  }
  if (incident && Math.floor(now / 1000) % 60 === 0) {
    process.stdout.write(
      `${new Date(now).toISOString()} incident ${incident.kind} until ${new Date(incident.end).toISOString()}\n`
    );
  }
}

async function flush() {
  if (buffer.length === 0) return;
  const body = buffer.join('\n') + '\n';
  buffer = [];
  try {
    const res = await fetch(`${OPENSEARCH}/_bulk`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-ndjson' },
      body,
    });
    if (!res.ok) process.stderr.write(`bulk: HTTP ${res.status} ${(await res.text()).slice(0, 200)}\n`);
  } catch (e) {
    process.stderr.write(`bulk: ${(e as Error).message}\n`);
  }
}

async function ensureTemplate() {
  const mappings = {
    properties: {
      '@timestamp': { type: 'date' },
      host: { type: 'keyword' },
      client_ip: { type: 'keyword' },
      method: { type: 'keyword' },
      path: { type: 'keyword' },
      status: { type: 'integer' },
      bytes: { type: 'long' },
      latency_ms: { type: 'float' },
      user_agent: { type: 'keyword' },
      level: { type: 'keyword' },
      message: { type: 'text' },
    },
  };
  const res = await fetch(`${OPENSEARCH}/_index_template/weblogs`, {
    method: 'PUT',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({
      index_patterns: ['weblogs-*'],
      template: { settings: { number_of_replicas: 0 }, mappings },
    }),
  });
  if (!res.ok) throw new Error(`index template: HTTP ${res.status} ${await res.text()}`);
}

async function provisionJobs() {
  const headers = { Authorization: `Bearer ${TOKEN}`, 'Content-Type': 'application/json' };
  const res = await fetch(`${VIGIL}/api/jobs`, { headers });
  if (!res.ok) throw new Error(`jobs: HTTP ${res.status} ${await res.text()}`);
  const { jobs } = (await res.json()) as { jobs: Array<{ name: string }> };
  for (const j of SHOP_JOBS) {
    if (jobs.some((x) => x.name === j.name)) continue;
    const r = await fetch(`${VIGIL}/api/jobs`, { method: 'POST', headers, body: JSON.stringify(j) });
    process.stdout.write(`job "${j.name}": ${r.ok ? 'created' : `HTTP ${r.status} ${await r.text()}`}\n`);
  }
}

async function retry(what: string, fn: () => Promise<void>) {
  for (let attempt = 1; ; attempt++) {
    try {
      await fn();
      return;
    } catch (e) {
      process.stderr.write(`${what} (attempt ${attempt}): ${(e as Error).message}\n`);
      await new Promise((r) => setTimeout(r, Math.min(30_000, 2000 * attempt)));
    }
  }
}

http
  .createServer(async (req, res) => {
    if (req.url === '/alerts' && req.method === 'POST') {
      // the demo's receiver of Grafana's webhook contact point: one line per notification
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        try {
          const n = JSON.parse(body) as { status?: string; alerts?: { labels?: Record<string, string> }[] };
          for (const a of n.alerts ?? [])
            process.stdout.write(`alert ${n.status}: ${a.labels?.alertname} job=${a.labels?.job ?? ''}\n`);
        } catch {
          process.stdout.write(`alert: unreadable notification (${body.length} bytes)\n`);
        }
        res.writeHead(200);
        res.end();
      });
      return;
    }
    if (req.url === '/metrics') {
      if (!up) {
        res.writeHead(503);
        return res.end('outage\n');
      }
      res.writeHead(200, { 'Content-Type': registry.contentType });
      return res.end(await registry.metrics());
    }
    res.writeHead(req.url === '/healthz' ? 200 : 404);
    res.end();
  })
  .listen(PORT, () => process.stdout.write(`traffic generator on :${PORT}, incidents every ${EVERY_MS / 60000} min\n`));

setInterval(() => tick(Date.now()), 1000);
setInterval(() => void flush(), 5000);
void retry('OpenSearch index template', ensureTemplate);
void retry('Vigil jobs', provisionJobs);
