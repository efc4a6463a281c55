import React, { useState } from 'react';
import { dateTimeFormatTimeAgo } from '@grafana/data';
import { Alert, Button, LinkButton, LoadingPlaceholder, useStyles2 } from '@grafana/ui';

import type { EngineClient } from '../api';
import { getPageStyles } from '../components/styles';
import { useEngineData } from '../components/useEngine';
import { formatValue } from '../datasource/transforms';
import { canWrite } from '../roles';
import { JobSpec, type DriftList, type DriftStatus, type Job } from '../../pkg/contract';
import { routeUrl } from './routes';

/** The spec part of a job as the engine answers it (what PUT /api/jobs/:id takes back). Pure. */
export function specOf(job: Job): JobSpec {
  const spec: Record<string, unknown> = {};
  for (const k of Object.keys(JobSpec.properties)) {
    const v = (job as Record<string, unknown>)[k];
    if (v !== undefined) spec[k] = v;
  }
  return spec as JobSpec;
}

/**
 * Drift overview: every job's two-sample KS test of recent against reference data (drifting when p < 0.01), each job
 * linked to its page; Editors can accept what the job sees now as the new normal, which refits its model on its recent
 * training window (the job's spec is saved again: `PUT /api/jobs/:id` drops the fitted model).
 */
export function DriftPage({ client }: { client: EngineClient }) {
  const styles = useStyles2(getPageStyles);
  const writer = canWrite();
  const [refit, setRefit] = useState<{ busy?: string; done: Record<string, boolean>; error?: string }>({ done: {} });
  const accept = async (d: DriftStatus) => {
    setRefit((r) => ({ ...r, busy: d.jobId, error: undefined }));
    try {
      const path = `/api/jobs/${encodeURIComponent(d.jobId)}`;
      const job = await client.get<Job>(path);
      await client.request({ method: 'PUT', path, data: specOf(job) }, `Refitting ${d.name}`);
      setRefit((r) => ({ done: { ...r.done, [d.jobId]: true } }));
    } catch (e) {
      setRefit((r) => ({ ...r, busy: undefined, error: (e as Error).message }));
    }
  };
  const { data, error, loading } = useEngineData(client, (c) => c.get<DriftList>('/api/drift'), []);
  const jobs = data
    ? [...data.jobs].sort((a, b) => Number(b.drifting) - Number(a.drifting) || a.name.localeCompare(b.name))
    : [];
  return (
    <div data-testid="vigil-drift-page">
      {error && <Alert severity="error" title={error} />}
      {refit.error && <Alert severity="error" title={refit.error} />}
      {loading && !data && <LoadingPlaceholder text="Loading drift status…" />}
      {data && (
        <p className={styles.muted}>
          {jobs.filter((j) => j.drifting).length} of {jobs.length} jobs drifting (Kolmogorov-Smirnov p-value below
          0.01).
        </p>
      )}
      {jobs.length > 0 && (
        <table className={styles.table} data-testid="vigil-drift-table">
          <thead>
            <tr>
              <th>Job</th>
              <th>State</th>
              <th>p-value</th>
              <th>KS statistic</th>
              <th>Checked</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {jobs.map((j) => (
              <tr key={j.jobId} data-job-id={j.jobId}>
                <td>
                  <LinkButton
                    href={routeUrl({ page: 'job-edit', id: j.jobId })}
                    size="sm"
                    variant="secondary"
                    fill="text"
                    data-testid="vigil-drift-job"
                  >
                    {j.name}
                  </LinkButton>
                </td>
                <td className={j.drifting ? styles.bad : styles.ok}>{j.drifting ? 'drifting' : 'ok'}</td>
                <td>{formatValue(j.pValue)}</td>
                <td>{formatValue(j.statistic)}</td>
                <td>{j.checkedAt ? dateTimeFormatTimeAgo(j.checkedAt) : 'not yet'}</td>
                <td>
                  {refit.done[j.jobId] ? (
                    <span className={styles.muted} data-testid="vigil-drift-refit-done">
                      Refit: the next run fits on recent data
                    </span>
                  ) : (
                    writer && (
                      <Button
                        size="sm"
                        variant={j.drifting ? 'primary' : 'secondary'}
                        fill={j.drifting ? 'solid' : 'text'}
                        disabled={refit.busy === j.jobId}
                        tooltip="Refit the job's model on its recent training window, so that what it sees now is normal"
                        onClick={() => accept(j)}
                      >
                        Accept as new normal
                      </Button>
                    )
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}
