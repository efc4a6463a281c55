import React, { ChangeEvent, Fragment, useRef, useState } from 'react';
import { dateTimeFormatTimeAgo } from '@grafana/data';
import { Alert, Button, ConfirmButton, LoadingPlaceholder, RadioButtonGroup, useStyles2 } from '@grafana/ui';

import type { EngineClient } from '../api';
import { JobTemplates } from '../components/JobTemplates';
import { getPageStyles } from '../components/styles';
import { useEngineData } from '../components/useEngine';
import type { Job, JobImportResponse } from '../../pkg/contract';
import { canWrite } from '../roles';
import { describeKind } from './jobKind';
import { exportFileName, lifecycleState, parseJobsFile } from './lifecycle';

type OnConflict = 'error' | 'skip' | 'replace';
import type { Route } from './routes';

/** Save a JSON document as a file the browser downloads. */
function download(doc: unknown, name: string) {
  const url = URL.createObjectURL(new Blob([JSON.stringify(doc, null, 2) + '\n'], { type: 'application/json' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

/** Describe a job's source in one line. */
export function describeSource(job: Pick<Job, 'source'>): string {
  const s = job.source;
  if (s.type === 'prometheus') return `Prometheus: ${s.query}`;
  if (s.type === 'file') return `File: ${s.path}`;
  if (s.type === 'elasticsearch-logs')
    return `Log templates of ${s.index}.${s.messageField}${s.filter ? ` where ${s.filter}` : ''}`;
  const metric = s.metric.field ? `${s.metric.type}(${s.metric.field})` : s.metric.type;
  return `Elasticsearch ${s.index}: ${metric}${s.filter ? ` where ${s.filter}` : ''}${s.splitBy ? ` by ${s.splitBy}` : ''}`;
}

/**
 * Jobs: status (with warming up and maintenance), last run, anomalies in the last 24 h, drift; enable/disable, edit,
 * delete; export one job or all as JSON and import such a file (a name that exists is refused, skipped or replaced).
 */
export function JobsPage({ client, go }: { client: EngineClient; go: (r: Route) => void }) {
  const styles = useStyles2(getPageStyles);
  const { data, error, loading, reload } = useEngineData(client, (c) => c.get<{ jobs: Job[] }>('/api/jobs'), []);
  const [actionError, setActionError] = useState<string>();
  const [templatesOf, setTemplatesOf] = useState<string>();
  const [onConflict, setOnConflict] = useState<OnConflict>('error');
  const [imported, setImported] = useState<string>();
  const fileInput = useRef<HTMLInputElement>(null);
  // Viewers read; Grafana refuses their writes at the proxy, so the page does not offer them
  const writer = canWrite();

  const act = async (fn: () => Promise<unknown>) => {
    setActionError(undefined);
    setImported(undefined);
    try {
      await fn();
      reload();
    } catch (e) {
      setActionError((e as Error).message);
    }
  };

  return (
    <div data-testid="vigil-jobs-page">
      <div className={styles.toolbar}>
        {writer && (
          <Button icon="plus" onClick={() => go({ page: 'job-new' })}>
            New job
          </Button>
        )}
        <Button variant="secondary" icon="sync" onClick={reload}>
          Refresh
        </Button>
        <Button
          variant="secondary"
          icon="download-alt"
          onClick={() =>
            act(async () => download(await client.get('/api/jobs/export', undefined, 'Export jobs'), exportFileName()))
          }
        >
          Export all
        </Button>
        {writer && (
          <>
            <Button variant="secondary" icon="upload" onClick={() => fileInput.current?.click()}>
              Import
            </Button>
            <input
              ref={fileInput}
              type="file"
              accept="application/json,.json"
              hidden
              data-testid="vigil-jobs-import-file"
              onChange={(e: ChangeEvent<HTMLInputElement>) => {
                const file = e.currentTarget.files?.[0];
                e.currentTarget.value = '';
                if (!file) return;
                void act(async () => {
                  const doc = parseJobsFile(await file.text(), file.name);
                  const res = await client.request<JobImportResponse>(
                    { method: 'POST', path: '/api/jobs/import', params: { onConflict }, data: doc },
                    `Import ${file.name}`
                  );
                  setImported(
                    `Imported ${file.name}: ${res.created} created, ${res.replaced} replaced, ${res.skipped.length} skipped` +
                      (res.skipped.length ? ` (${res.skipped.join(', ')})` : '')
                  );
                });
              }}
            />
            <span className={styles.muted}>a name that exists:</span>
            <RadioButtonGroup<OnConflict>
              size="sm"
              options={[
                { label: 'refuse', value: 'error' },
                { label: 'skip', value: 'skip' },
                { label: 'replace', value: 'replace' },
              ]}
              value={onConflict}
              onChange={setOnConflict}
            />
          </>
        )}
      </div>
      {error && <Alert severity="error" title={error} />}
      {actionError && <Alert severity="error" title={actionError} data-testid="vigil-jobs-action-error" />}
      {imported && <Alert severity="success" title={imported} data-testid="vigil-jobs-imported" />}
      {loading && !data && <LoadingPlaceholder text="Loading jobs…" />}
      {data && data.jobs.length === 0 && (
        <p className={styles.muted}>
          No jobs yet.{' '}
          {writer
            ? 'Create one to run detection on a schedule and get alertable results.'
            : 'An Editor can create one to run detection on a schedule.'}
        </p>
      )}
      {data && data.jobs.length > 0 && (
        <table className={styles.table} data-testid="vigil-jobs-table">
          <thead>
            <tr>
              <th>Name</th>
              <th>Kind</th>
              <th>Source</th>
              <th>Status</th>
              <th>Last run</th>
              <th>Anomalies (24 h)</th>
              <th>Drift</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {data.jobs.map((j) => (
              <Fragment key={j.id}>
                <tr data-job-id={j.id}>
                  <td>
                    <a href="#" onClick={(e) => (e.preventDefault(), go({ page: 'job-edit', id: j.id }))}>
                      {j.name}
                    </a>
                  </td>
                  <td data-testid="vigil-job-kind-cell">{describeKind(j)}</td>
                  <td className={styles.muted}>{describeSource(j)}</td>
                  <td>
                    {!j.enabled ? (
                      <span className={styles.muted}>disabled</span>
                    ) : j.lastRun && !j.lastRun.ok ? (
                      <span className={styles.bad} title={j.lastRun.error}>
                        failing
                      </span>
                    ) : (
                      <span className={styles.ok}>enabled</span>
                    )}
                    {j.enabled && lifecycleState(j) && (
                      <div className={styles.muted} title={lifecycleState(j)!.title} data-testid="vigil-job-lifecycle">
                        {lifecycleState(j)!.text}
                      </div>
                    )}
                  </td>
                  <td title={j.lastRun?.error}>
                    {j.lastRun ? `${dateTimeFormatTimeAgo(j.lastRun.at)} (${j.lastRun.durationMs} ms)` : 'never'}
                    {j.lastRun?.error && <div className={styles.bad}>{j.lastRun.error}</div>}
                  </td>
                  <td>{j.anomalies24h}</td>
                  <td>
                    {j.drift ? (
                      j.drift.drifting ? (
                        <span className={styles.bad}>drifting (p={j.drift.pValue?.toPrecision(2)})</span>
                      ) : (
                        <span className={styles.ok}>ok</span>
                      )
                    ) : (
                      <span className={styles.muted}>n/a</span>
                    )}
                  </td>
                  <td>
                    <div style={{ display: 'flex', gap: 8, alignItems: 'center', whiteSpace: 'nowrap' }}>
                      {writer && (
                        <Button
                          size="sm"
                          variant="secondary"
                          onClick={() =>
                            act(() =>
                              client.post(`/api/jobs/${encodeURIComponent(j.id)}/${j.enabled ? 'disable' : 'enable'}`)
                            )
                          }
                        >
                          {j.enabled ? 'Disable' : 'Enable'}
                        </Button>
                      )}
                      <Button
                        size="sm"
                        variant="secondary"
                        onClick={() =>
                          act(async () =>
                            download(
                              await client.get(`/api/jobs/${encodeURIComponent(j.id)}/export`, undefined, 'Export job'),
                              exportFileName(j.name)
                            )
                          )
                        }
                      >
                        Export
                      </Button>
                      {j.source.type === 'elasticsearch-logs' && (
                        <Button
                          size="sm"
                          variant="secondary"
                          data-testid="vigil-job-templates-toggle"
                          onClick={() => setTemplatesOf(templatesOf === j.id ? undefined : j.id)}
                        >
                          {templatesOf === j.id ? 'Hide templates' : 'Templates'}
                        </Button>
                      )}
                      {writer && (
                        <ConfirmButton
                          size="sm"
                          confirmText="Delete"
                          confirmVariant="destructive"
                          onConfirm={() =>
                            act(() =>
                              client.request({ method: 'DELETE', path: `/api/jobs/${encodeURIComponent(j.id)}` })
                            )
                          }
                        >
                          Delete
                        </ConfirmButton>
                      )}
                    </div>
                  </td>
                </tr>
                {templatesOf === j.id && (
                  <tr>
                    <td colSpan={8}>
                      <JobTemplates client={client} jobId={j.id} />
                    </td>
                  </tr>
                )}
              </Fragment>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}
