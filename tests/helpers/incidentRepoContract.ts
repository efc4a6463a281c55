/**
 * The incident repository's behaviour, checked the same way on every store (SQLite in the unit tests, a real
 * PostgreSQL in tests/integration/store/): incidents with the events of open ones, filters, deliveries, report runs,
 * annotation ids and pruning.
 */
import { groupIncidents } from '../../pkg/incidents/group';
import type { IncidentEvent } from '../../pkg/incidents/types';
import type { Store } from '../../pkg/store/db';
import { IncidentRepo } from '../../pkg/store/incidents';

const MIN = 60_000;

function event(jobId: string, metric: string, at: number, score: number): IncidentEvent {
  return {
    id: `${jobId}-${metric}-${at}`,
    jobId,
    intervalMs: MIN,
    start: at,
    end: at,
    peak: at,
    labels: { __name__: metric },
    severity: 'major',
    score,
    detectors: { zscore: score },
    expected: 1,
    actual: 9,
    direction: 'above',
    confidence: 1,
    explanation: 'x',
  };
}

/** Register the contract tests; `open` gives a fresh, empty, migrated store each time. */
export function describeIncidentRepoContract(name: string, open: () => Promise<Store>): void {
  describe(`IncidentRepo on ${name}`, () => {
    let store: Store;
    let repo: IncidentRepo;
    beforeEach(async () => {
      store = await open();
      repo = new IncidentRepo(store);
    });
    afterEach(async () => {
      await store.close();
    });

    it('keeps incidents, the events of open ones, and finds them by job, status, severity, triage and time', async () => {
      const jobs = { a: { id: 'a', name: 'api', criticality: 'critical' as const }, b: { id: 'b', name: 'batch' } };
      const [one, two] = groupIncidents([event('a', 'errors', 0, 90), event('b', 'failed', 60 * MIN, 30)], jobs);
      const openOne = { ...one, status: 'open' as const, resolvedAt: undefined };
      delete openOne.resolvedAt;
      await repo.saveIncident(openOne, [event('a', 'errors', 0, 90)]);
      await repo.saveIncident(two);
      const open = await repo.loadOpen();
      expect(open.map((o) => [o.incident.id, o.events.map((e) => e.id)])).toEqual([[one.id, ['a-errors-0']]]);
      expect(await repo.getIncident(two.id)).toEqual(two);
      expect(await repo.getIncident('nope')).toBeUndefined();
      const ids = async (q: Parameters<IncidentRepo['listIncidents']>[0]) =>
        (await repo.listIncidents(q)).incidents.map((i) => i.id);
      expect(await ids({})).toEqual([two.id, one.id]);
      expect((await repo.listIncidents({ limit: 1 })).count).toBe(2);
      expect(await ids({ jobIds: ['a'] })).toEqual([one.id]);
      expect(await ids({ jobIds: [] })).toEqual([]);
      expect(await ids({ status: 'open' })).toEqual([one.id]);
      expect(await ids({ severity: 'critical' })).toEqual([one.id]);
      expect(await ids({ minTriage: one.triage })).toEqual([one.id]);
      expect(await ids({ from: 30 * MIN })).toEqual([two.id]);
      expect(await ids({ to: 30 * MIN })).toEqual([one.id]);
      // resolving replaces the row and drops the events
      await repo.saveIncident({ ...one, status: 'resolved', resolvedAt: 5 * MIN });
      expect(await repo.loadOpen()).toEqual([]);
      expect((await repo.getIncident(one.id))?.status).toBe('resolved');
    });

    it('records deliveries, annotation ids and report runs; prunes what is old', async () => {
      const [inc] = groupIncidents([event('a', 'errors', 0, 90)], {});
      await repo.saveIncident({ ...inc, status: 'open' });
      const d = (id: string, at: number, extra: object) => ({
        id,
        at,
        receiver: 'hook',
        receiverType: 'webhook' as const,
        action: 'open' as const,
        status: 'delivered' as const,
        attempts: 1,
        durationMs: 3,
        ...extra,
      });
      await repo.recordDelivery(d('d1', 10, { incidentId: inc.id }));
      await repo.recordDelivery(d('d2', 20, { action: 'summary', incidentIds: [inc.id, 'other'] }));
      await repo.recordDelivery(d('d3', 3 * MIN, { incidentId: 'other' }));
      await repo.recordDelivery(d('d1', 10, { incidentId: inc.id })); // the same record twice is kept once
      expect((await repo.listDeliveries()).map((x) => x.id)).toEqual(['d3', 'd2', 'd1']);
      expect((await repo.listDeliveries({ incident: inc.id })).map((x) => x.id)).toEqual(['d2', 'd1']);
      expect((await repo.listDeliveries({ limit: 1 })).map((x) => x.id)).toEqual(['d3']);
      await repo.setAnnotationId(inc.id, 77);
      expect(await repo.annotationIds()).toEqual([[inc.id, 77]]);
      await repo.setAnnotationId(inc.id, undefined);
      expect(await repo.annotationIds()).toEqual([]);
      expect(await repo.lastRun('weekly')).toBeUndefined();
      await repo.setLastRun('weekly', 1_700_000_000_000);
      await repo.setLastRun('weekly', 1_700_600_000_000);
      expect(await repo.lastRun('weekly')).toBe(1_700_600_000_000);
      // open incidents stay whatever their age; resolved ones and deliveries older than the cut go
      await repo.saveIncident({ ...inc, id: 'old', status: 'resolved', resolvedAt: 1 });
      await repo.prune(2 * MIN); // after the old incident's end (1 min) and d1, d2
      expect((await repo.listIncidents({})).incidents.map((i) => i.id)).toEqual([inc.id]);
      expect((await repo.listDeliveries()).map((x) => x.id)).toEqual(['d3']);
    });
  });
}
