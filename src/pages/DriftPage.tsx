import React, { useState } from 'react';
import { dateTimeFormatTimeAgo } from '@grafana/data';
import { Alert, Button, LinkButton, LoadingPlaceholder, useStyles2 } from '@grafana/ui';

import type { EngineClient } from '../api';
import { getPageStyles } from '../components/styles';
import { useEngineData } from '../components/useEngine';
import { formatValue, seriesName } from '../datasource/transforms';
import { canWrite } from '../roles';
import { JobSpec, type DriftList, type DriftStatus, type Job, type JobDrift } from '../../pkg/contract';
import { DriftChart } from './DriftChart';
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
 * Drift overview: each job series' drift test (its recent window against the reference learnt on the job's first run,
 * both seasonally adjusted, KS p-value at the effective sample sizes; drifting when p < 0.01), each job linked to its
 * page. The selected job's two samples are drawn as ECDFs (`GET /api/jobs/:id/drift`); Editors can accept what a job
 * sees now as the new normal (`POST /api/jobs/:id/drift/accept`: the recent window becomes the reference).
 */
export function DriftPage({ client }: { client: EngineClient }) {
  const styles = useStyles2(getPageStyles);
  const writer = canWrite();
  const [accepted, setAccepted] = useState<{ busy?: string; done: Record<string, boolean>; error?: string }>({
    done: {},
  });
  const [picked, setPicked] = useState<string | undefined>();
  const list = useEngineData(client, (c) => c.get<DriftList>('/api/drift'), []);
  const rows = list.data
    ? [...list.data.jobs].sort((a, b) => Number(b.drifting) - Number(a.drifting) || a.name.localeCompare(b.name))
    : [];
  const selected = picked ?? rows[0]?.jobId;
  const detail = useEngineData(
    client,
    async (c) => (selected ? c.get<JobDrift>(`/api/jobs/${encodeURIComponent(selected)}/drift`) : undefined),
    [selected]
  );
  const accept = async (d: DriftStatus) => {
    setAccepted((r) => ({ ...r, busy: d.jobId, error: undefined }));
    try {
      await client.post<JobDrift>(
        `/api/jobs/${encodeURIComponent(d.jobId)}/drift/accept`,
        {},
        `Accepting the new normal of ${d.name}`
      );
      setAccepted((r) => ({ done: { ...r.done, [d.jobId]: true } }));
      setPicked(d.jobId);
      list.reload();
      detail.reload();
    } catch (e) {
      setAccepted((r) => ({ ...r, busy: undefined, error: (e as Error).message }));
    }
  };
  const { data, error, loading } = list;
  return (
    <div data-testid="vigil-drift-page">
      {error && <Alert severity="error" title={error} />}
      {accepted.error && <Alert severity="error" title={accepted.error} />}
      {loading && !data && <LoadingPlaceholder text="Loading drift status…" />}
      {data && (
        <p className={styles.muted}>
          {rows.filter((j) => j.drifting).length} of {rows.length} job series drifting: the recent window against the
          reference learnt on the job&apos;s first run, both adjusted for the daily season (Kolmogorov-Smirnov p-value
          below 0.01, counting autocorrelated points for what they are worth).
        </p>
      )}
      {rows.length > 0 && (
        <table className={styles.table} data-testid="vigil-drift-table">
          <thead>
            <tr>
              <th>Job</th>
              <th>Series</th>
              <th>State</th>
              <th>p-value</th>
              <th>KS statistic</th>
              <th>Checked</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {rows.map((j) => (
              <tr key={`${j.jobId} ${seriesName(j.labels)}`} data-job-id={j.jobId}>
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
                <td className={styles.muted}>{seriesName(j.labels)}</td>
                <td className={j.drifting ? styles.bad : styles.ok}>{j.drifting ? 'drifting' : 'ok'}</td>
                <td>{formatValue(j.pValue)}</td>
                <td>{formatValue(j.statistic)}</td>
                <td>{j.checkedAt ? dateTimeFormatTimeAgo(j.checkedAt) : 'not yet'}</td>
                <td>
                  <Button
                    size="sm"
                    variant="secondary"
                    fill={selected === j.jobId ? 'solid' : 'text'}
                    onClick={() => setPicked(j.jobId)}
                    data-testid="vigil-drift-show"
                  >
                    Distributions
                  </Button>
                  {accepted.done[j.jobId] ? (
                    <span className={styles.muted} data-testid="vigil-drift-refit-done">
                      Accepted: the recent window is the new reference
                    </span>
                  ) : (
                    writer && (
                      <Button
                        size="sm"
                        variant={j.drifting ? 'primary' : 'secondary'}
                        fill={j.drifting ? 'solid' : 'text'}
                        disabled={accepted.busy === j.jobId}
                        tooltip="Make the job's recent data its drift reference, so that what it sees now is normal"
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
      {detail.error && <Alert severity="error" title={detail.error} />}
      {detail.data && (
        <section className={styles.section} data-testid="vigil-drift-detail" data-job-id={detail.data.jobId}>
          <h4>
            {detail.data.name}: reference and recent window{' '}
            <LinkButton
              href={routeUrl({ page: 'job-edit', id: detail.data.jobId })}
              size="sm"
              variant="secondary"
              fill="text"
              icon="external-link-alt"
            >
              Open job
            </LinkButton>
          </h4>
          {detail.data.series.length === 0 && (
            <p className={styles.muted}>No drift reference yet: the job learns it on its first run.</p>
          )}
          {detail.data.series.map((s) => (
            <DriftChart
              key={seriesName(s.labels)}
              reference={s.reference}
              recent={s.recent}
              title={`${seriesName(s.labels)}: ${s.drifting ? 'drifting' : 'no drift'}${
                s.pValue !== undefined ? ` (p = ${formatValue(s.pValue)})` : ''
              }${s.period > 0 ? ', adjusted for the daily season' : ''}`}
            />
          ))}
        </section>
      )}
    </div>
  );
}
