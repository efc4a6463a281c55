import type { IncidentsQuery } from '../contract/incidents';
import type { OpenIncident } from '../incidents/lifecycle';
import type { Incident, IncidentEvent } from '../incidents/types';
import type { Delivery } from '../notify/types';
import type { ReportRunStore } from '../report/schedule';
import type { Store } from './db';

interface IncidentRow {
  id: string;
  incident: string;
  events: string | null;
  annotation_id: number | null;
}

/**
 * Incidents, notification deliveries and report runs in the store (tables of migration 3); the incident tracker's
 * persistence. Every method returns a promise and a write is committed when it resolves.
 */
export class IncidentRepo implements ReportRunStore {
  constructor(private readonly store: Store) {}

  async loadOpen(): Promise<OpenIncident[]> {
    const rows = await this.store.all<IncidentRow>("SELECT * FROM incidents WHERE status = 'open' ORDER BY start, id");
    return rows.map((r) => ({
      incident: JSON.parse(r.incident) as Incident,
      events: JSON.parse(r.events ?? '[]') as IncidentEvent[],
    }));
  }

  async saveIncident(incident: Incident, events?: readonly IncidentEvent[]): Promise<void> {
    await this.store.transaction(async (tx) => {
      await tx.run(
        `INSERT INTO incidents (id, status, start, "end", severity, triage, updated_at, incident, events)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (id) DO UPDATE SET status = excluded.status, start = excluded.start, "end" = excluded."end",
           severity = excluded.severity, triage = excluded.triage, updated_at = excluded.updated_at,
           incident = excluded.incident, events = excluded.events`,
        [
          incident.id,
          incident.status,
          incident.start,
          incident.end,
          incident.severity,
          incident.triage,
          incident.updatedAt,
          JSON.stringify(incident),
          events ? JSON.stringify(events) : null,
        ]
      );
      await tx.run('DELETE FROM incident_jobs WHERE incident_id = ?', [incident.id]);
      await tx.runMany(
        'INSERT INTO incident_jobs (incident_id, job_id) VALUES (?, ?)',
        incident.jobs.map((j) => [incident.id, j.id])
      );
    });
  }

  async getIncident(id: string): Promise<Incident | undefined> {
    const r = await this.store.get<IncidentRow>('SELECT * FROM incidents WHERE id = ?', [id]);
    return r ? (JSON.parse(r.incident) as Incident) : undefined;
  }

  /**
   * Incidents matching the filters, newest first: of these jobs (ids), with this status, this severity, a triage
   * score of at least `minTriage`, overlapping [from, to]; at most `limit` (default 100), with the total count.
   */
  async listIncidents(
    q: Omit<IncidentsQuery, 'job'> & { jobIds?: string[] }
  ): Promise<{ incidents: Incident[]; count: number }> {
    const where: string[] = [];
    const params: (string | number)[] = [];
    if (q.jobIds) {
      if (q.jobIds.length === 0) return { incidents: [], count: 0 };
      where.push(
        `id IN (SELECT incident_id FROM incident_jobs WHERE job_id IN (${q.jobIds.map(() => '?').join(', ')}))`
      );
      params.push(...q.jobIds);
    }
    if (q.status) {
      where.push('status = ?');
      params.push(q.status);
    }
    if (q.severity) {
      where.push('severity = ?');
      params.push(q.severity);
    }
    if (q.minTriage !== undefined) {
      where.push('triage >= ?');
      params.push(q.minTriage);
    }
    if (q.from !== undefined) {
      where.push('"end" > ?');
      params.push(q.from);
    }
    if (q.to !== undefined) {
      where.push('start < ?');
      params.push(q.to);
    }
    const clause = where.length ? `WHERE ${where.join(' AND ')}` : '';
    const count = Number(
      (await this.store.get<{ n: number }>(`SELECT COUNT(*) AS n FROM incidents ${clause}`, params))?.n ?? 0
    );
    const rows = await this.store.all<IncidentRow>(
      `SELECT * FROM incidents ${clause} ORDER BY start DESC, id LIMIT ?`,
      [...params, q.limit ?? 100]
    );
    return { incidents: rows.map((r) => JSON.parse(r.incident) as Incident), count };
  }

  async recordDelivery(d: Delivery): Promise<void> {
    await this.store.run(
      'INSERT INTO deliveries (id, at, receiver, incident_id, status, record) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING',
      [d.id, d.at, d.receiver, d.incidentId ?? null, d.status, JSON.stringify(d)]
    );
  }

  /** The newest deliveries (of one incident, summaries and re-sends that include it too), newest first. */
  async listDeliveries(q: { limit?: number; incident?: string } = {}): Promise<Delivery[]> {
    const limit = q.limit ?? 100;
    if (!q.incident) {
      return (
        await this.store.all<{ record: string }>('SELECT record FROM deliveries ORDER BY at DESC, id LIMIT ?', [limit])
      ).map((r) => JSON.parse(r.record) as Delivery);
    }
    const id = q.incident;
    return (
      await this.store.all<{ record: string }>(
        'SELECT record FROM deliveries WHERE incident_id = ? OR (incident_id IS NULL AND record LIKE ?) ORDER BY at DESC, id LIMIT ?',
        [id, `%"${id.replace(/"/g, '')}"%`, limit]
      )
    )
      .map((r) => JSON.parse(r.record) as Delivery)
      .filter((d) => d.incidentId === id || d.incidentIds?.includes(id));
  }

  async setAnnotationId(incidentId: string, annotationId: number | undefined): Promise<void> {
    await this.store.run('UPDATE incidents SET annotation_id = ? WHERE id = ?', [annotationId ?? null, incidentId]);
  }

  /** Annotation ids of open incidents, to resume stretching and closing them after a restart. */
  async annotationIds(): Promise<[string, number][]> {
    return (
      await this.store.all<{ id: string; annotation_id: number }>(
        "SELECT id, annotation_id FROM incidents WHERE status = 'open' AND annotation_id IS NOT NULL"
      )
    ).map((r) => [r.id, Number(r.annotation_id)]);
  }

  async lastRun(name: string): Promise<number | undefined> {
    const r = await this.store.get<{ period_end: number }>('SELECT period_end FROM report_runs WHERE name = ?', [name]);
    return r ? Number(r.period_end) : undefined;
  }

  async setLastRun(name: string, periodEnd: number): Promise<void> {
    await this.store.run(
      'INSERT INTO report_runs (name, period_end) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET period_end = excluded.period_end',
      [name, periodEnd]
    );
  }

  /** Drop resolved incidents that ended before `before` and deliveries older than it. */
  async prune(before: number): Promise<void> {
    await this.store.transaction(async (tx) => {
      await tx.run(
        `DELETE FROM incident_jobs WHERE incident_id IN (SELECT id FROM incidents WHERE status = 'resolved' AND "end" < ?)`,
        [before]
      );
      await tx.run(`DELETE FROM incidents WHERE status = 'resolved' AND "end" < ?`, [before]);
      await tx.run('DELETE FROM deliveries WHERE at < ?', [before]);
    });
  }
}
