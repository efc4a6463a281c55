import type { StoredAnomaly } from '../contract/results';
import type { OpenIncident } from '../incidents/lifecycle';
import type { Incident, IncidentEvent } from '../incidents/types';
import type { Notifier } from '../notify/notifier';
import type { Delivery } from '../notify/types';
import { IncidentTracker, type IncidentPersistence } from './incidents';

const T0 = Date.UTC(2024, 0, 1, 12);
const MIN = 60_000;

function anomaly(
  id: string,
  jobId: string,
  metric: string,
  at: number,
  over: Partial<StoredAnomaly> = {}
): StoredAnomaly {
  return {
    id,
    jobId,
    start: at,
    end: at,
    peak: at,
    labels: { __name__: metric, service: 'shop' },
    severity: 'major',
    score: 60,
    detectors: { zscore: 70 },
    expected: 10,
    actual: 50,
    direction: 'above',
    confidence: 1,
    explanation: '',
    ...over,
  };
}

class MemoryPersistence implements IncidentPersistence {
  incidents = new Map<string, { incident: Incident; events?: readonly IncidentEvent[] }>();
  deliveries: Delivery[] = [];
  async loadOpen(): Promise<OpenIncident[]> {
    return [...this.incidents.values()]
      .filter((x) => x.incident.status === 'open')
      .map((x) => ({ incident: x.incident, events: [...(x.events ?? [])] }));
  }
  async saveIncident(incident: Incident, events?: readonly IncidentEvent[]): Promise<void> {
    this.incidents.set(incident.id, { incident, events });
  }
  async recordDelivery(d: Delivery): Promise<void> {
    this.deliveries.push(d);
  }
}

function setup(persistence = new MemoryPersistence()) {
  let now = T0;
  const watermarks: Record<string, number> = {};
  const jobs: Record<string, { id: string; name: string; intervalMs: number; criticality?: 'high' }> = {
    web: { id: 'web', name: 'web', intervalMs: MIN },
    api: { id: 'api', name: 'api', intervalMs: MIN, criticality: 'high' },
  };
  const handled: string[][] = [];
  const notifier = {
    handle: async (changes: { type: string }[]) => {
      handled.push(changes.map((c) => c.type));
      return [
        {
          id: String(handled.length),
          at: now,
          receiver: 'hook',
          receiverType: 'webhook',
          action: 'open',
          status: 'delivered',
          attempts: 1,
          durationMs: 1,
        } as Delivery,
      ];
    },
    tick: async () => [],
  } as unknown as Notifier;
  const tracker = new IncidentTracker({
    persistence,
    clock: { now: () => now, setTimeout: () => 0, clearTimeout: () => undefined },
    job: async (id) => jobs[id],
    watermark: async (id) => watermarks[id],
    notifier,
  });
  return {
    tracker,
    persistence,
    handled,
    jobs,
    watermarks,
    at: (t: number) => {
      now = t;
    },
  };
}

describe('incident tracker', () => {
  test('runs of two jobs sharing a service make one incident, stored, notified, and resolved when both are quiet', async () => {
    const s = setup();
    await s.tracker.start();
    await s.tracker.write(anomaly('a1', 'web', 'requests', T0));
    s.watermarks.web = T0;
    await s.tracker.afterRun('web');
    await s.tracker.write(anomaly('b1', 'api', 'latency', T0 + MIN));
    s.watermarks.api = T0 + MIN;
    s.at(T0 + 2 * MIN);
    await s.tracker.afterRun('api');
    expect(s.handled).toEqual([['opened'], ['updated']]);
    const [inc] = s.tracker.open();
    expect(inc.jobs.map((j) => j.id)).toEqual(['web', 'api']);
    expect(inc.criticality).toBe('high');
    expect(s.persistence.incidents.get(inc.id)?.events?.map((e) => e.id)).toEqual(['a1', 'b1']);
    // web is quiet but api has not scored past its anomaly yet: still open
    s.watermarks.web = T0 + 10 * MIN;
    await s.tracker.afterRun('web');
    expect(s.tracker.open()).toHaveLength(1);
    s.watermarks.api = T0 + 10 * MIN;
    s.at(T0 + 11 * MIN);
    await s.tracker.afterRun('api');
    expect(s.handled.at(-1)).toEqual(['resolved']);
    expect(s.tracker.open()).toEqual([]);
    const stored = s.persistence.incidents.get(inc.id)!;
    expect(stored.incident).toMatchObject({ status: 'resolved', resolvedAt: T0 + 11 * MIN });
    expect(stored.events).toBeUndefined();
    expect(s.persistence.deliveries).toHaveLength(3);
  });

  test('an anomaly that grows across runs replaces its earlier version; the state survives a restart', async () => {
    const s = setup();
    await s.tracker.start();
    await s.tracker.write(anomaly('a1', 'web', 'requests', T0));
    await s.tracker.afterRun('web');
    await s.tracker.write(anomaly('a1', 'web', 'requests', T0, { end: T0 + 2 * MIN, score: 90 }));
    await s.tracker.afterRun('web');
    const [inc] = s.tracker.open();
    expect(inc.eventIds).toEqual(['a1']);
    expect(inc.end).toBe(T0 + 3 * MIN);
    expect(inc.severity).toBe('critical');
    // a new tracker over the same store picks the open incident up and resolves it
    const again = setup(s.persistence);
    await again.tracker.start();
    expect(again.tracker.open().map((i) => i.id)).toEqual([inc.id]);
    again.watermarks.web = T0 + 10 * MIN;
    await again.tracker.afterRun('web');
    expect(again.handled).toEqual([['resolved']]);
  });

  test('steps run one at a time: two runs ending together make one incident, not two', async () => {
    const s = setup();
    await s.tracker.start();
    await s.tracker.write(anomaly('a', 'web', 'requests', T0));
    await s.tracker.write(anomaly('b', 'api', 'latency', T0));
    await Promise.all([s.tracker.afterRun('web'), s.tracker.afterRun('api')]);
    expect(s.handled).toEqual([['opened'], ['updated']]);
    expect(s.tracker.open()).toHaveLength(1);
  });

  test('a deleted job no longer holds its incidents open', async () => {
    const s = setup();
    await s.tracker.start();
    await s.tracker.write(anomaly('x', 'api', 'latency', T0));
    await s.tracker.afterRun('api');
    delete (s.jobs as Record<string, unknown>).api;
    await s.tracker.afterRun('web');
    expect(s.handled).toEqual([['opened'], ['resolved']]);
  });

  test('history a first run scores is stored but not notified', async () => {
    const s = setup();
    await s.tracker.start();
    s.at(T0 + 3 * 3_600_000);
    await s.tracker.write(anomaly('old', 'web', 'requests', T0));
    s.watermarks.web = T0 + 3 * 3_600_000;
    await s.tracker.afterRun('web');
    // opened and resolved in one step: the opening is not passed on; the resolve is (a notifier resolves only what
    // it announced, so nothing goes out)
    expect(s.handled).toEqual([['resolved']]);
    expect([...s.persistence.incidents.values()].map((x) => x.incident.status)).toEqual(['resolved']);
  });

  test('delivered Alertmanager re-sends are not stored; failed ones are', async () => {
    const persistence = new MemoryPersistence();
    const tick = [
      { id: 'r1', action: 'resend', status: 'delivered' },
      { id: 'r2', action: 'resend', status: 'failed', error: 'HTTP 503 after retries' },
    ] as Delivery[];
    const tracker = new IncidentTracker({
      persistence,
      clock: { now: () => T0, setTimeout: () => 0, clearTimeout: () => undefined },
      job: async () => undefined,
      watermark: async () => undefined,
      notifier: { handle: async () => [], tick: async () => tick } as unknown as Notifier,
    });
    await tracker.tick();
    expect(persistence.deliveries.map((d) => d.id)).toEqual(['r2']);
  });
});
