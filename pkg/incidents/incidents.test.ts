import fc from 'fast-check';
import {
  advanceIncidents,
  buildIncident,
  EMPTY_INCIDENT_STATE,
  groupEvents,
  groupIncidents,
  incidentKind,
  incidentSeverity,
  related,
  TRIAGE_WEIGHTS,
  triageScore,
  type IncidentEvent,
  type IncidentJob,
} from './index';

const H = 3_600_000;
const T0 = Date.UTC(2018, 7, 21, 11);

function ev(p: Partial<IncidentEvent> & { metric: string; at: number }): IncidentEvent {
  const { metric, at, ...rest } = p;
  return {
    jobId: 'web',
    intervalMs: H,
    start: at,
    end: at,
    peak: at,
    labels: { __name__: metric },
    severity: 'major',
    score: 60,
    detectors: { zscore: 70, mad: 60 },
    expected: 20,
    actual: 0,
    direction: 'below',
    confidence: 0.8,
    explanation: '',
    ...rest,
  };
}

const jobs: Record<string, IncidentJob> = {
  web: { id: 'web', name: 'web logs', criticality: 'medium' },
  api: { id: 'api', name: 'api latency', criticality: 'critical', runbookUrl: 'https://runbooks.example/api' },
};

describe('triage score', () => {
  test('weights sum to 1 and the score stays in 0-1', () => {
    const sum = Object.values(TRIAGE_WEIGHTS).reduce((a, b) => a + b, 0);
    expect(sum).toBeCloseTo(1, 10);
    fc.assert(
      fc.property(
        fc.double({ min: -50, max: 200, noNaN: true }),
        fc.integer({ min: 0, max: 50 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.double({ min: 0, max: 30 * 24 * H, noNaN: true }),
        fc.constantFrom('low', 'medium', 'high', 'critical' as const),
        (peakScore, seriesCount, confidence, durationMs, criticality) => {
          const { triage } = triageScore({ peakScore, seriesCount, confidence, durationMs, criticality });
          return triage >= 0 && triage <= 1;
        }
      )
    );
  });

  test('more agreeing series, longer duration, higher criticality each raise it', () => {
    const base = { peakScore: 70, seriesCount: 1, confidence: 0.8, durationMs: H, criticality: 'medium' as const };
    const t = (o: Partial<typeof base> | { criticality: 'critical' }) => triageScore({ ...base, ...o }).triage;
    expect(t({ seriesCount: 3 })).toBeGreaterThan(t({}));
    expect(t({ durationMs: 3 * H })).toBeGreaterThan(t({}));
    expect(t({ criticality: 'critical' })).toBeGreaterThan(t({}));
    expect(t({ peakScore: 90 })).toBeGreaterThan(t({}));
    // the documented example
    expect(
      triageScore({ peakScore: 100, seriesCount: 3, confidence: 0.9, durationMs: H, criticality: 'medium' }).triage
    ).toBe(0.84);
  });

  test('severity: score band shifted by criticality', () => {
    expect(incidentSeverity(80, 'medium')).toBe('critical');
    expect(incidentSeverity(80, 'low')).toBe('major');
    expect(incidentSeverity(60, 'high')).toBe('critical');
    expect(incidentSeverity(30, 'critical')).toBe('major');
    expect(incidentSeverity(10, 'critical')).toBe('major');
    expect(incidentSeverity(10, 'low')).toBe('warning');
    expect(incidentSeverity(30, 'medium')).toBe('minor');
  });
});

describe('grouping', () => {
  test('events of one job that overlap or touch form one incident; a later one another', () => {
    const a = ev({ metric: 'requests', at: T0, end: T0 + H });
    const b = ev({ metric: 'bytes', at: T0 + H });
    const c = ev({ metric: 'unique_clients', at: T0 + 2 * H }); // touches b's interval end
    const d = ev({ metric: 'requests', at: T0 + 10 * H });
    const groups = groupEvents([d, c, b, a]);
    expect(groups.map((g) => g.map((e) => e.labels.__name__))).toEqual([
      ['requests', 'bytes', 'unique_clients'],
      ['requests'],
    ]);
  });

  test('across jobs only by a shared correlation label', () => {
    const a = ev({ metric: 'requests', at: T0, labels: { __name__: 'requests', service: 'checkout' } });
    const b = ev({ metric: 'latency', at: T0, jobId: 'api', labels: { __name__: 'latency', service: 'checkout' } });
    const c = ev({ metric: 'latency', at: T0, jobId: 'api', labels: { __name__: 'latency', service: 'search' } });
    expect(related(a, b)).toBe(true);
    expect(related(a, c)).toBe(false);
    expect(related(a, c, { correlationLabels: [] })).toBe(false);
    // b and c share the job, so all three join through b
    expect(groupEvents([a, b, c])).toHaveLength(1);
    expect(groupEvents([a, c])).toHaveLength(2);
    // a team label is not a correlation label by default
    const d = ev({ metric: 'x', at: T0, jobId: 'other', labels: { __name__: 'x', team: 'web' } });
    const e = ev({ metric: 'y', at: T0, jobId: 'api', labels: { __name__: 'y', team: 'web' } });
    expect(related(d, e)).toBe(false);
    expect(related(d, e, { correlationLabels: ['team'] })).toBe(true);
  });

  test('grouping does not depend on input order and never mutates input', () => {
    const arb = fc.array(
      fc.record({
        at: fc.integer({ min: 0, max: 48 }),
        len: fc.integer({ min: 0, max: 3 }),
        job: fc.constantFrom('web', 'api', 'db'),
        svc: fc.constantFrom('a', 'b'),
      }),
      { maxLength: 25 }
    );
    fc.assert(
      fc.property(arb, fc.integer(), (specs, seed) => {
        const events = specs.map((s, i) =>
          ev({
            metric: `m${i}`,
            at: T0 + s.at * H,
            end: T0 + (s.at + s.len) * H,
            jobId: s.job,
            labels: { __name__: `m${i}`, service: s.svc },
          })
        );
        const frozen = JSON.stringify(events);
        const shuffled = [...events].sort((x, y) => ((x.start * 31 + seed) % 7) - ((y.start * 31 + seed) % 7));
        const key = (gs: IncidentEvent[][]) => gs.map((g) => g.map((e) => e.labels.__name__).sort()).sort();
        expect(key(groupEvents(shuffled))).toEqual(key(groupEvents(events)));
        expect(JSON.stringify(events)).toBe(frozen);
      })
    );
  });
});

describe('incident content', () => {
  test('outage across three series: kind, title, shares, examples, triage', () => {
    const events = [
      ev({ metric: 'requests', at: T0, end: T0 + H, score: 64, expected: 22.6 }),
      ev({ metric: 'unique_clients', at: T0, end: T0 + H, score: 65, expected: 22.6 }),
      ev({
        metric: 'bytes',
        at: T0,
        end: T0 + H,
        score: 74,
        expected: 122863,
        detectors: { seasonal: 100, mad: 60 },
      }),
    ];
    const [inc] = groupIncidents(events, jobs);
    expect(inc.kind).toBe('outage');
    expect(inc.title).toBe('web logs: bytes, unique_clients and requests dropped to zero');
    expect(inc.start).toBe(T0);
    expect(inc.end).toBe(T0 + 2 * H);
    expect(inc.summary).toContain('2018-08-21 11:00 to 2018-08-21 13:00 UTC (2 h)');
    expect(inc.summary).toContain('bytes 0 vs 122,863 expected');
    expect(inc.severity).toBe('major');
    expect(inc.series.map((s) => s.name)).toEqual(['bytes', 'unique_clients', 'requests']);
    for (const list of [inc.series, inc.metrics, inc.detectors]) {
      expect(list.reduce((s, f) => s + f.share, 0)).toBeCloseTo(1, 2);
    }
    expect(inc.detectors.map((d) => d.name)).toEqual(['mad', 'zscore', 'seasonal']); // 60x2x3 > 70x2x2 > 100x2
    expect(inc.examples[0]).toMatchObject({ series: 'bytes', actual: 0, expected: 122863, score: 74 });
    expect(inc.triageParts.series).toBe(0.75);
    expect(inc.triage).toBeGreaterThan(0.6);
    expect(inc.status).toBe('resolved');
    expect(inc.eventIds).toHaveLength(3);
  });

  test('error burst, spike, drop and mixed kinds', () => {
    expect(incidentKind([ev({ metric: 'errors', at: T0, direction: 'above', actual: 102 })])).toBe('error burst');
    expect(incidentKind([ev({ metric: 'requests', at: T0, direction: 'above', actual: 500 })])).toBe('spike');
    expect(incidentKind([ev({ metric: 'bytes', at: T0, actual: 5 })])).toBe('drop');
    expect(
      incidentKind([
        ev({ metric: 'requests', at: T0, direction: 'above', actual: 500 }),
        ev({ metric: 'bytes', at: T0, actual: 5 }),
      ])
    ).toBe('mixed');
  });

  test('criticality, runbook and dashboard come from the most critical job', () => {
    const a = ev({ metric: 'requests', at: T0, labels: { __name__: 'requests', service: 'checkout' } });
    const b = ev({ metric: 'latency', at: T0, jobId: 'api', labels: { __name__: 'latency', service: 'checkout' } });
    const [inc] = groupIncidents([a, b], {
      ...jobs,
      api: { ...jobs.api, dashboardUid: 'abc', panelId: 4 },
    });
    expect(inc.criticality).toBe('critical');
    expect(inc.severity).toBe('critical'); // major band, critical asset
    expect(inc.runbookUrl).toBe('https://runbooks.example/api');
    expect(inc).toMatchObject({ dashboardUid: 'abc', panelId: 4 });
    expect(inc.labels).toEqual({ service: 'checkout' });
    expect(inc.jobs.map((j) => j.name).sort()).toEqual(['api latency', 'web logs']);
    expect(inc.series[0].name).toMatch(/^(web logs|api latency) \/ /);
  });

  test('an empty incident is refused', () => {
    expect(() => buildIncident([], jobs, { id: 'x', status: 'open', openedAt: 0, updatedAt: 0 })).toThrow(RangeError);
  });
});

describe('lifecycle', () => {
  test('open, update as the event grows, resolve after two quiet intervals', () => {
    const first = ev({ id: 'a1', metric: 'requests', at: T0 });
    let step = advanceIncidents(EMPTY_INCIDENT_STATE, {
      now: T0 + H,
      events: [first],
      watermarks: { web: T0 },
      jobs,
    });
    expect(step.changes.map((c) => c.type)).toEqual(['opened']);
    const id = step.changes[0].incident.id;
    expect(step.state.open).toHaveLength(1);

    // the same event grows (same id), and a second series joins
    step = advanceIncidents(step.state, {
      now: T0 + 2 * H,
      events: [{ ...first, end: T0 + H, score: 80 }, ev({ id: 'b1', metric: 'bytes', at: T0 + H })],
      watermarks: { web: T0 + H },
      jobs,
    });
    expect(step.changes.map((c) => c.type)).toEqual(['updated']);
    const upd = step.changes[0];
    expect(upd.incident.id).toBe(id);
    expect(upd.incident.eventIds.sort()).toEqual(['a1', 'b1']);
    expect(upd.previous?.severity).toBe('major');
    expect(upd.incident.severity).toBe('critical');
    expect(upd.incident.updatedAt).toBe(T0 + 2 * H);
    expect(upd.incident.openedAt).toBe(T0 + H);

    // one quiet point: still open, nothing to say
    step = advanceIncidents(step.state, { now: T0 + 3 * H, events: [], watermarks: { web: T0 + 2 * H }, jobs });
    expect(step.changes).toEqual([]);
    // two quiet points after the last anomalous one (T0 + H): resolved
    step = advanceIncidents(step.state, { now: T0 + 4 * H, events: [], watermarks: { web: T0 + 3 * H }, jobs });
    expect(step.changes.map((c) => c.type)).toEqual(['resolved']);
    expect(step.changes[0].incident).toMatchObject({ id, status: 'resolved', resolvedAt: T0 + 4 * H });
    expect(step.state.open).toEqual([]);
  });

  test('an incident stays open while a job of it has not reported', () => {
    const a = ev({ id: 'a', metric: 'requests', at: T0, labels: { __name__: 'requests', service: 's' } });
    const b = ev({ id: 'b', metric: 'lat', at: T0, jobId: 'api', labels: { __name__: 'lat', service: 's' } });
    let step = advanceIncidents(EMPTY_INCIDENT_STATE, { now: T0, events: [a, b], watermarks: {}, jobs });
    step = advanceIncidents(step.state, { now: T0 + 5 * H, events: [], watermarks: { web: T0 + 5 * H }, jobs });
    expect(step.changes).toEqual([]);
    step = advanceIncidents(step.state, {
      now: T0 + 6 * H,
      events: [],
      watermarks: { web: T0 + 5 * H, api: T0 + 5 * H },
      jobs,
    });
    expect(step.changes.map((c) => c.type)).toEqual(['resolved']);
  });

  test('an event bridging two open incidents merges them into the older one', () => {
    const a = ev({ id: 'a', metric: 'x', at: T0, labels: { __name__: 'x', service: 's' } });
    const b = ev({ id: 'b', metric: 'y', at: T0, jobId: 'api', labels: { __name__: 'y', service: 't' } });
    let step = advanceIncidents(EMPTY_INCIDENT_STATE, { now: T0, events: [a], watermarks: {}, jobs });
    step = advanceIncidents(step.state, { now: T0 + 1, events: [b], watermarks: {}, jobs });
    expect(step.state.open).toHaveLength(2);
    const older = step.state.open[0].incident.id;
    const bridge = ev({
      id: 'c',
      metric: 'z',
      at: T0,
      jobId: 'api',
      labels: { __name__: 'z', service: 's' },
    });
    step = advanceIncidents(step.state, { now: T0 + 2, events: [bridge], watermarks: {}, jobs });
    expect(step.changes.map((c) => c.type)).toEqual(['resolved', 'updated']);
    expect(step.changes[0].mergedInto).toBe(older);
    expect(step.changes[1].incident.id).toBe(older);
    expect(step.changes[1].incident.eventIds.sort()).toEqual(['a', 'b', 'c']);
    expect(step.state.open).toHaveLength(1);
  });

  test('fed in any chunks, the lifecycle ends with the same incidents as batch grouping', () => {
    const arb = fc.array(
      fc.record({
        at: fc.integer({ min: 0, max: 30 }),
        len: fc.integer({ min: 0, max: 2 }),
        job: fc.constantFrom('web', 'api', 'db'),
        svc: fc.constantFrom('a', 'b', 'c'),
      }),
      { minLength: 1, maxLength: 20 }
    );
    fc.assert(
      fc.property(arb, fc.array(fc.integer({ min: 1, max: 5 }), { maxLength: 10 }), (specs, chunks) => {
        const events = specs.map((s, i) =>
          ev({
            id: `e${i}`,
            metric: `m${i}`,
            at: T0 + s.at * H,
            end: T0 + (s.at + s.len) * H,
            jobId: s.job,
            labels: { __name__: `m${i}`, service: s.svc },
          })
        );
        let state = EMPTY_INCIDENT_STATE;
        let i = 0;
        let c = 0;
        while (i < events.length) {
          const n = chunks[c++ % Math.max(1, chunks.length)] ?? events.length;
          state = advanceIncidents(state, { now: T0, events: events.slice(i, i + n), watermarks: {}, jobs }).state;
          i += n;
        }
        const live = state.open.map((o) => o.incident.eventIds.sort()).sort();
        const batch = groupIncidents(events, jobs)
          .map((x) => x.eventIds.sort())
          .sort();
        expect(live).toEqual(batch);
      })
    );
  });
});
