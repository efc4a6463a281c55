import React from 'react';
import { dateTimeFormat } from '@grafana/data';
import { Alert, LoadingPlaceholder, useStyles2 } from '@grafana/ui';

import type { EngineClient } from '../api';
import type { LogTemplateList } from '../../pkg/contract';
import { getPageStyles } from './styles';
import { useEngineData } from './useEngine';

/** The templates a log job has mined (`GET /api/jobs/:id/templates`), most frequent first. */
export function JobTemplates({ client, jobId }: { client: EngineClient; jobId: string }) {
  const styles = useStyles2(getPageStyles);
  const { data, error, loading } = useEngineData(
    client,
    (c) => c.get<LogTemplateList>(`/api/jobs/${encodeURIComponent(jobId)}/templates`, undefined, 'Templates'),
    [jobId]
  );
  if (error) return <Alert severity="error" title={error} />;
  if (loading && !data) return <LoadingPlaceholder text="Loading templates…" />;
  if (!data || data.templates.length === 0) {
    return <p className={styles.muted}>No templates yet: the job mines them from the messages of its first run.</p>;
  }
  const when = (t?: number) => (t === undefined ? '' : dateTimeFormat(t, { timeZone: 'utc' }));
  return (
    <table className={styles.table} data-testid="vigil-job-templates">
      <thead>
        <tr>
          <th>Template</th>
          <th>Lines</th>
          <th>First seen (UTC)</th>
          <th>Last seen (UTC)</th>
        </tr>
      </thead>
      <tbody>
        {data.templates.map((t) => (
          <tr key={t.id} data-template-id={t.id}>
            <td>
              <code>{t.template}</code>
            </td>
            <td>{t.count}</td>
            <td className={styles.muted}>{when(t.firstSeen)}</td>
            <td className={styles.muted}>{when(t.lastSeen)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
