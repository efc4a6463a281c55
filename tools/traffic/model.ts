/**
 * The demo service's traffic model for the compose stack: a daily request-rate cycle with seeded noise,
 * and incidents injected now and then, in rotation: a spike (4x traffic for 3 minutes), an error burst
 * (30% 5xx for 5 minutes), an outage gap (no requests, metrics unavailable, for 4 minutes) and a slow
 * latency drift (up to 3x over an hour). Pure functions of time and a seed: no I/O, no clock.
 */

export type IncidentKind = 'spike' | 'error_burst' | 'outage' | 'slow_drift';

export interface Incident {
  kind: IncidentKind;
  /** epoch ms */
  start: number;
  /** epoch ms, exclusive */
  end: number;
}

export const INCIDENT_KINDS: IncidentKind[] = ['spike', 'error_burst', 'outage', 'slow_drift'];

/** Length of each incident kind, ms. */
export const INCIDENT_MS: Record<IncidentKind, number> = {
  spike: 3 * 60_000,
  error_burst: 5 * 60_000,
  outage: 4 * 60_000,
  slow_drift: 60 * 60_000,
};

/** mulberry32, a small seeded PRNG returning uniform numbers in [0, 1). */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * The incident active at `t`, if any. Incident k (k = 0, 1, ...) starts at `origin + (k + 1) * everyMs`
 * plus a seeded jitter of up to a quarter of `everyMs`, and its kind rotates through `INCIDENT_KINDS`.
 *
 * @param t epoch ms
 * @param origin epoch ms when the generator started
 * @param everyMs mean spacing of incidents, ms (> 0)
 * @param seed seed of the jitter
 * @throws RangeError when everyMs is not positive
 */
export function incidentAt(t: number, origin: number, everyMs: number, seed: number): Incident | undefined {
  if (!(everyMs > 0)) throw new RangeError(`everyMs must be positive, got ${everyMs}`);
  const k = Math.floor((t - origin) / everyMs) - 1;
  // the incident started in this slot or the one before can still be running (slow drift lasts an hour)
  for (let j = k; j >= Math.max(0, k - Math.ceil(INCIDENT_MS.slow_drift / everyMs)); j--) {
    const kind = INCIDENT_KINDS[j % INCIDENT_KINDS.length];
    const start = origin + (j + 1) * everyMs + Math.floor(rng(seed + j)() * everyMs * 0.25);
    const end = start + INCIDENT_MS[kind];
    if (t >= start && t < end) return { kind, start, end };
  }
  return undefined;
}

export interface TrafficState {
  /** mean requests per second */
  rps: number;
  /** probability that a request answers 5xx */
  errorRate: number;
  /** median latency, ms */
  latencyMs: number;
  /** false during an outage: no requests are served and /metrics answers 503 */
  up: boolean;
}

/**
 * Traffic at `t` (epoch ms): `baseRps` scaled by a daily cycle (peak at 14:00 UTC, trough at 02:00,
 * ratio 3:1), modified by the active incident.
 */
export function trafficAt(t: number, incident: Incident | undefined, baseRps = 20): TrafficState {
  const hour = (t / 3_600_000) % 24;
  const daily = 1 + 0.5 * Math.sin((2 * Math.PI * (hour - 8)) / 24);
  const state: TrafficState = { rps: baseRps * daily, errorRate: 0.005, latencyMs: 80, up: true };
  if (!incident) return state;
  switch (incident.kind) {
    case 'spike':
      return { ...state, rps: state.rps * 4, latencyMs: state.latencyMs * 1.5 };
    case 'error_burst':
      return { ...state, errorRate: 0.3 };
    case 'outage':
      return { ...state, rps: 0, up: false };
    case 'slow_drift': {
      const progress = (t - incident.start) / (incident.end - incident.start);
      return { ...state, latencyMs: state.latencyMs * (1 + 2 * progress) };
    }
  }
}

/** Poisson-distributed count with mean `lambda` (Knuth for small means, a normal approximation above 50). */
export function poisson(lambda: number, rand: () => number): number {
  if (lambda <= 0) return 0;
  if (lambda > 50) {
    const z = Math.sqrt(-2 * Math.log(rand() || 1e-12)) * Math.cos(2 * Math.PI * rand());
    return Math.max(0, Math.round(lambda + Math.sqrt(lambda) * z));
  }
  const l = Math.exp(-lambda);
  let k = 0;
  let p = 1;
  do {
    k++;
    p *= rand();
  } while (p > l);
  return k - 1;
}

/** The shop's routes. */
export const ROUTES = ['/', '/products', '/products/:id', '/cart', '/checkout', '/api/search'];

/** One request of the shop: its route, method, status and latency (log-normal around the state's median). */
export interface ShopRequest {
  route: string;
  method: 'GET' | 'POST';
  status: number;
  latencyMs: number;
}

/** Draw one request served in traffic `state` (5xx with the state's error rate, 3% 404s, else 200). */
export function sampleRequest(state: TrafficState, rand: () => number): ShopRequest {
  const route = ROUTES[Math.floor(rand() * ROUTES.length)];
  const method = route === '/checkout' || route === '/cart' ? (rand() < 0.5 ? 'POST' : 'GET') : 'GET';
  const r = rand();
  const status = r < state.errorRate ? 500 + Math.floor(rand() * 4) : r < state.errorRate + 0.03 ? 404 : 200;
  const z = Math.sqrt(-2 * Math.log(rand() || 1e-12)) * Math.cos(2 * Math.PI * rand());
  return { route, method, status, latencyMs: state.latencyMs * Math.exp(0.4 * z) };
}
