import React, { useState } from 'react';
import { dateTimeFormat, SelectableValue } from '@grafana/data';
import { Alert, Button, LoadingPlaceholder, RadioButtonGroup, Select, useStyles2 } from '@grafana/ui';

import type { EngineClient } from '../api';
import { getPageStyles } from '../components/styles';
import { useEngineData } from '../components/useEngine';
import { DEFAULT_SEVERITY_COLORS } from '../constants';
import type { Delivery, Incident, IncidentList, Job, NotificationsResponse } from '../../pkg/contract';

const STATUS_OPTIONS: Array<SelectableValue<string>> = [
  { label: 'Open', value: 'open' },
  { label: 'Resolved', value: 'resolved' },
  { label: 'All', value: '' },
];

const SEVERITY_OPTIONS: Array<SelectableValue<string>> = [
  { label: 'Any severity', value: '' },
  { label: 'Critical', value: 'critical' },
  { label: 'Major', value: 'major' },
  { label: 'Minor', value: 'minor' },
  { label: 'Warning', value: 'warning' },
];

/** `1 h 30 min` from milliseconds. */
export function formatDuration(ms: number): string {
  const min = Math.round(ms / 60_000);
  if (min < 60) return `${Math.max(0, min)} min`;
  const h = Math.floor(min / 60);
  const m = min % 60;
  if (h < 48) return m ? `${h} h ${m} min` : `${h} h`;
  return `${Math.floor(h / 24)} d ${h % 24} h`;
}

/** Incidents: the engine's grouped anomalies, newest first, with triage score, severity and what each was made of. */
export function IncidentsPage({ client }: { client: EngineClient }) {
  const styles = useStyles2(getPageStyles);
  const [status, setStatus] = useState<string>('');
  const [severity, setSeverity] = useState<string>('');
  const [job, setJob] = useState<string>('');
  const [open, setOpen] = useState<string>();
  const { data, error, loading, reload } = useEngineData(
    client,
    async (c) => {
      const [list, jobs] = await Promise.all([
        c.get<IncidentList>(
          '/api/incidents',
          { status: status || undefined, severity: severity || undefined, job: job || undefined, limit: 200 },
          'Loading incidents'
        ),
        c.get<{ jobs: Job[] }>('/api/jobs').catch(() => ({ jobs: [] as Job[] })),
      ]);
      return { incidents: list.incidents, jobs: jobs.jobs };
    },
    [status, severity, job]
  );
  const jobOptions: Array<SelectableValue<string>> = [
    { label: 'Every job', value: '' },
    ...(data?.jobs ?? []).map((j) => ({ label: j.name, value: j.id })),
  ];

  return (
    <div data-testid="vigil-incidents-page">
      <div className={styles.toolbar}>
        <RadioButtonGroup options={STATUS_OPTIONS} value={status} onChange={(v) => setStatus(v ?? '')} />
        <div style={{ width: 180 }}>
          <Select
            aria-label="Severity"
            options={SEVERITY_OPTIONS}
            value={severity}
            onChange={(v) => setSeverity(v.value ?? '')}
          />
        </div>
        <div style={{ width: 220 }}>
          <Select aria-label="Job" options={jobOptions} value={job} onChange={(v) => setJob(v.value ?? '')} />
        </div>
        <Button variant="secondary" icon="sync" onClick={reload}>
          Refresh
        </Button>
      </div>
      {error && <Alert severity="error" title={error} />}
      {loading && !data && <LoadingPlaceholder text="Loading incidents…" />}
      {data && data.incidents.length === 0 && (
        <p className={styles.muted} data-testid="vigil-incidents-empty">
          No incidents{status ? ` ${status}` : ''}: anomalies of running jobs that overlap in time become incidents
          here.
        </p>
      )}
      {data && data.incidents.length > 0 && (
        <table className={styles.table} data-testid="vigil-incidents-table">
          <thead>
            <tr>
              <th>Severity</th>
              <th>What happened</th>
              <th>Started</th>
              <th>Duration</th>
              <th>Triage</th>
              <th>Status</th>
            </tr>
          </thead>
          <tbody>
            {data.incidents.map((i) => (
              <React.Fragment key={i.id}>
                <tr
                  data-incident-id={i.id}
                  onClick={() => setOpen(open === i.id ? undefined : i.id)}
                  style={{ cursor: 'pointer' }}
                >
                  <td>
                    <SeverityBadge severity={i.severity} />
                  </td>
                  <td>{i.title}</td>
                  <td>{dateTimeFormat(i.start, { format: 'YYYY-MM-DD HH:mm' })}</td>
                  <td>{formatDuration(i.end - i.start)}</td>
                  <td>{i.triage.toFixed(2)}</td>
                  <td className={i.status === 'open' ? styles.bad : styles.muted}>{i.status}</td>
                </tr>
                {open === i.id && (
                  <tr>
                    <td colSpan={6}>
                      <IncidentDetails client={client} incident={i} />
                    </td>
                  </tr>
                )}
              </React.Fragment>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}

function SeverityBadge({ severity }: { severity: Incident['severity'] }) {
  return (
    <span
      data-testid="vigil-severity"
      style={{
        background: DEFAULT_SEVERITY_COLORS[severity],
        color: severity === 'minor' ? 'black' : 'white',
        borderRadius: 3,
        padding: '1px 6px',
        fontSize: 12,
      }}
    >
      {severity}
    </span>
  );
}

/** One incident opened up: summary, triage parts, contributing series and detectors, examples, deliveries. */
function IncidentDetails({ client, incident: i }: { client: EngineClient; incident: Incident }) {
  const styles = useStyles2(getPageStyles);
  const { data } = useEngineData(
    client,
    (c) => c.get<NotificationsResponse>('/api/notifications', { incident: i.id, limit: 50 }),
    [i.id]
  );
  const pct = (x: number) => `${Math.round(x * 100)}%`;
  const dashboard =
    i.dashboardUid &&
    `/d/${encodeURIComponent(i.dashboardUid)}?from=${i.start - 3_600_000}&to=${i.end + 3_600_000}${
      i.panelId !== undefined ? `&viewPanel=${i.panelId}` : ''
    }`;
  return (
    <div data-testid="vigil-incident-details" style={{ padding: '8px 0' }}>
      <p>{i.summary}</p>
      <p className={styles.muted}>
        Triage {i.triage.toFixed(2)}: anomaly score {i.triageParts.score.toFixed(2)}, agreeing series{' '}
        {i.triageParts.series.toFixed(2)}, agreeing detectors {i.triageParts.detectors.toFixed(2)}, duration{' '}
        {i.triageParts.duration.toFixed(2)}, criticality {i.criticality} ({i.triageParts.criticality.toFixed(2)}). Jobs:{' '}
        {i.jobs.map((j) => j.name).join(', ')}.
      </p>
      <div style={{ display: 'flex', gap: 24, flexWrap: 'wrap' }}>
        <div>
          <h5>Series</h5>
          <ul className={styles.list} data-testid="vigil-incident-series">
            {i.series.map((s) => (
              <li key={s.name}>
                {s.name}: {pct(s.share)} (peak score {Math.round(s.peakScore)})
              </li>
            ))}
          </ul>
        </div>
        <div>
          <h5>Detectors</h5>
          <ul className={styles.list}>
            {i.detectors.map((d) => (
              <li key={d.name}>
                {d.name}: {pct(d.share)}
              </li>
            ))}
          </ul>
        </div>
        <div>
          <h5>Example points</h5>
          <ul className={styles.list}>
            {i.examples.map((e) => (
              <li key={`${e.series}-${e.t}`}>
                {dateTimeFormat(e.t, { format: 'MM-DD HH:mm' })} {e.series}: {formatNumber(e.actual)} vs{' '}
                {formatNumber(e.expected)} expected (score {Math.round(e.score)})
              </li>
            ))}
          </ul>
        </div>
      </div>
      <div className={styles.toolbar}>
        {dashboard && (
          <a href={dashboard} data-testid="vigil-incident-dashboard">
            Open the dashboard
          </a>
        )}
        {i.runbookUrl && (
          <a href={i.runbookUrl} target="_blank" rel="noreferrer" data-testid="vigil-incident-runbook">
            Runbook
          </a>
        )}
      </div>
      {data && data.deliveries.length > 0 && (
        <>
          <h5>Notifications</h5>
          <table className={styles.table} data-testid="vigil-incident-deliveries">
            <thead>
              <tr>
                <th>When</th>
                <th>Receiver</th>
                <th>Action</th>
                <th>Outcome</th>
              </tr>
            </thead>
            <tbody>
              {data.deliveries.map((d: Delivery) => (
                <tr key={d.id}>
                  <td>{dateTimeFormat(d.at, { format: 'YYYY-MM-DD HH:mm:ss' })}</td>
                  <td>
                    {d.receiver} ({d.receiverType})
                  </td>
                  <td>{d.action}</td>
                  <td className={d.status === 'failed' ? styles.bad : undefined}>
                    {d.status}
                    {d.attempts > 1 ? ` after ${d.attempts} attempts` : ''}
                    {d.error ? `: ${d.error}` : ''}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </div>
  );
}

function formatNumber(x: number | null): string {
  if (x === null || !Number.isFinite(x)) return 'n/a';
  const a = Math.abs(x);
  if (a >= 1000) return Math.round(x).toLocaleString('en-US');
  if (a >= 10) return String(Number(x.toFixed(1)));
  return Number(x.toPrecision(3)).toString();
}
