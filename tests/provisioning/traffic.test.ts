import { INCIDENT_KINDS, INCIDENT_MS, incidentAt, poisson, rng, trafficAt } from '../../tools/traffic/model';

const MIN = 60_000;

describe('traffic generator model', () => {
  it('injects the four incidents in rotation, each for its duration', () => {
    const origin = 0;
    const seen: string[] = [];
    let prev: string | undefined;
    for (let t = 0; t < 4 * 20 * MIN + 2 * 20 * MIN; t += 15_000) {
      const inc = incidentAt(t, origin, 20 * MIN, 7);
      const key = inc ? `${inc.kind}@${inc.start}` : undefined;
      if (key && key !== prev) {
        seen.push(inc!.kind);
        expect(inc!.end - inc!.start).toBe(INCIDENT_MS[inc!.kind]);
        expect(inc!.start).toBeGreaterThanOrEqual(origin + 20 * MIN);
      }
      prev = key;
    }
    expect(seen.slice(0, 4)).toEqual(INCIDENT_KINDS);
  });

  it('is deterministic for a seed and quiet before the first incident', () => {
    expect(incidentAt(10 * MIN, 0, 20 * MIN, 1)).toBeUndefined();
    const a = incidentAt(21 * MIN, 0, 20 * MIN, 3);
    expect(incidentAt(21 * MIN, 0, 20 * MIN, 3)).toEqual(a);
    expect(() => incidentAt(0, 0, 0, 1)).toThrow(RangeError);
  });

  it('incidents change the traffic as named', () => {
    const t = 14 * 3_600_000;
    const base = trafficAt(t, undefined);
    expect(base.up).toBe(true);
    expect(trafficAt(t, { kind: 'spike', start: t, end: t + 1 }).rps).toBeCloseTo(base.rps * 4);
    expect(trafficAt(t, { kind: 'error_burst', start: t, end: t + 1 }).errorRate).toBe(0.3);
    expect(trafficAt(t, { kind: 'outage', start: t, end: t + 1 })).toMatchObject({ rps: 0, up: false });
    const drift = { kind: 'slow_drift' as const, start: t - 30 * MIN, end: t + 30 * MIN };
    expect(trafficAt(t, drift).latencyMs).toBeCloseTo(base.latencyMs * 2);
    // daily cycle: afternoon busier than night
    expect(trafficAt(14 * 3_600_000, undefined).rps).toBeGreaterThan(trafficAt(2 * 3_600_000, undefined).rps * 2.5);
  });

  it('poisson counts have the requested mean', () => {
    const r = rng(5);
    for (const lambda of [3, 20, 200]) {
      let sum = 0;
      for (let i = 0; i < 4000; i++) sum += poisson(lambda, r);
      expect(Math.abs(sum / 4000 - lambda)).toBeLessThan(lambda * 0.05 + 0.2);
    }
  });
});
