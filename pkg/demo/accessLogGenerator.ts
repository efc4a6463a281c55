import { createRng } from '../core/random';

/** An incident injected into generated traffic, so a demo run can be checked against the truth. */
export interface Incident {
  kind: 'spike' | 'error_burst' | 'outage' | 'crawler';
  start: number;
  end: number;
  description: string;
}

export interface GeneratedLogs {
  /** NDJSON access-log records, in time order */
  records: Record<string, unknown>[];
  incidents: Incident[];
}

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
/** Days of generated traffic. */
const DAYS = 21;
const AGENTS = [
  'Mozilla/5.0 (X11; Linux x86_64; rv:120.0) Gecko/20100101 Firefox/120.0',
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36',
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_1) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.1 Safari/605.1.15',
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 Mobile/15E148',
  'curl/8.4.0',
];
const PATHS = ['/', '/login', '/search', '/products', '/products/42', '/cart', '/api/v1/items', '/static/app.js'];

/**
 * Generate three weeks of web access logs with daily and weekly rhythm and, in the third week, four incidents: a
 * traffic spike, an error burst, an outage (no logs at all) and a crawler (one client, many requests per session).
 * The first two weeks are the history detection learns the traffic from. Seeded: the same seed gives the same logs.
 *
 * @param start epoch ms of the first hour (default Monday 2026-01-05 00:00 UTC)
 * @param seed PRNG seed
 */
export function generateAccessLogs(start = Date.UTC(2026, 0, 5), seed = 7): GeneratedLogs {
  const rng = createRng(seed);
  const incidents: Incident[] = [
    {
      kind: 'spike',
      start: start + 15 * DAY + 14 * HOUR,
      end: start + 15 * DAY + 15 * HOUR,
      description: 'traffic spike: 4x requests from many new clients',
    },
    {
      kind: 'error_burst',
      start: start + 17 * DAY + 9 * HOUR,
      end: start + 17 * DAY + 11 * HOUR,
      description: 'error burst: 45% of requests fail with 5xx',
    },
    {
      kind: 'outage',
      start: start + 18 * DAY + 10 * HOUR,
      end: start + 18 * DAY + 13 * HOUR,
      description: 'outage: no requests served for three hours',
    },
    {
      kind: 'crawler',
      start: start + 19 * DAY + 20 * HOUR,
      end: start + 19 * DAY + 21 * HOUR,
      description: 'crawler: one client sends hundreds of requests in one session',
    },
  ];
  const within = (t: number, kind: Incident['kind']) =>
    incidents.some((i) => i.kind === kind && t >= i.start && t < i.end);
  const clients = Array.from(
    { length: 3000 },
    () => `${10 + rng.int(200)}.${rng.int(256)}.${rng.int(256)}.${1 + rng.int(254)}`
  );
  const records: Record<string, unknown>[] = [];
  const push = (t: number, client: string, agent: string, status: number, bytes: number) => {
    const ts = new Date(t).toISOString();
    const path = PATHS[rng.int(PATHS.length)];
    records.push({
      timestamp: ts,
      clientip: client,
      agent,
      request: path,
      response: status,
      bytes,
      host: 'shop.example.org',
      message: `${client} - - [${ts}] "GET ${path} HTTP/1.1" ${status} ${bytes} "-" "${agent}"`,
    });
  };
  for (let minute = 0; minute < DAYS * 24 * 60; minute++) {
    const t0 = start + minute * 60_000;
    if (within(t0, 'outage')) continue;
    const hourOfDay = (minute / 60) % 24;
    const weekend = Math.floor(minute / (24 * 60)) % 7 >= 5;
    const daily = 0.55 + 0.45 * Math.sin(((hourOfDay - 9) / 24) * 2 * Math.PI);
    let rate = 2.2 * daily * (weekend ? 0.7 : 1);
    if (within(t0, 'spike')) rate *= 4;
    const n = poisson(rate, rng.next);
    for (let k = 0; k < n; k++) {
      const t = t0 + rng.int(60_000);
      const client = clients[rng.int(within(t0, 'spike') ? clients.length : 2000)];
      const agent = AGENTS[(client.length + client.charCodeAt(client.length - 1)) % AGENTS.length];
      const r = rng.next();
      const burst = within(t0, 'error_burst');
      const status = burst && r < 0.45 ? (rng.next() < 0.7 ? 503 : 500) : r < 0.97 ? 200 : r < 0.99 ? 404 : 500;
      push(t, client, agent, status, status >= 400 ? 0 : Math.round(2000 + 8000 * rng.next()));
    }
    if (within(t0, 'crawler')) {
      for (let k = 0; k < 12; k++) push(t0 + rng.int(60_000), '203.0.113.66', 'ExampleBot/2.1 (+crawler)', 200, 1500);
    }
  }
  records.sort((a, b) => String(a.timestamp).localeCompare(String(b.timestamp)));
  return { records, incidents };
}

/** Poisson deviate by Knuth's multiplication method (fine for small rates). */
function poisson(lambda: number, next: () => number): number {
  const l = Math.exp(-lambda);
  let k = 0;
  let p = 1;
  do {
    k++;
    p *= next();
  } while (p > l);
  return k - 1;
}
