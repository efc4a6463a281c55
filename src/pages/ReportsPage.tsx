import React, { useState } from 'react';
import { SelectableValue } from '@grafana/data';
import { Alert, Button, LoadingPlaceholder, MultiSelect, RadioButtonGroup, useStyles2 } from '@grafana/ui';

import type { EngineClient } from '../api';
import { getPageStyles } from '../components/styles';
import { useEngineData } from '../components/useEngine';
import type { Job } from '../../pkg/contract';

const DAY = 86_400_000;

const RANGES: Array<SelectableValue<number>> = [
  { label: 'Last 24 hours', value: DAY },
  { label: 'Last 7 days', value: 7 * DAY },
  { label: 'Last 30 days', value: 30 * DAY },
];

const PERIODS: Array<SelectableValue<string>> = [
  { label: 'Daily', value: '1d' },
  { label: 'Weekly', value: '1w' },
];

/**
 * Reports: pick jobs, a range and daily or weekly buckets; the engine builds the report (summary, incidents by day
 * and hour, recurring patterns, top features, detector shares, precision from feedback, charts), shown here as its
 * HTML page, with PDF, HTML, Markdown and JSON downloads.
 */
export function ReportsPage({ client }: { client: EngineClient }) {
  const styles = useStyles2(getPageStyles);
  const [jobs, setJobs] = useState<string[]>([]);
  const [range, setRange] = useState<number>(7 * DAY);
  const [period, setPeriod] = useState<string>('1d');
  const [request, setRequest] = useState<{ from: number; to: number; jobs: string[]; period: string }>();
  const jobList = useEngineData(client, (c) => c.get<{ jobs: Job[] }>('/api/jobs'), []);
  const params = request && {
    from: request.from,
    to: request.to,
    period: request.period,
    ...(request.jobs.length ? { job: request.jobs.join(',') } : {}),
  };
  const html = useEngineData(
    request ? client : undefined,
    (c) => c.text('/api/reports', { ...params, format: 'html' }, 'Building the report'),
    [JSON.stringify(request)]
  );

  return (
    <div data-testid="vigil-reports-page">
      <div className={styles.toolbar}>
        <div style={{ minWidth: 260 }}>
          <MultiSelect
            aria-label="Jobs"
            placeholder="Every job"
            options={(jobList.data?.jobs ?? []).map((j) => ({ label: j.name, value: j.id }))}
            value={jobs}
            onChange={(v) => setJobs(v.map((x) => x.value!).filter(Boolean))}
          />
        </div>
        <RadioButtonGroup options={RANGES} value={range} onChange={(v) => setRange(v ?? 7 * DAY)} />
        <RadioButtonGroup options={PERIODS} value={period} onChange={(v) => setPeriod(v ?? '1d')} />
        <Button
          icon="file-alt"
          onClick={() => {
            const to = Date.now();
            setRequest({ from: to - range, to, jobs, period });
          }}
        >
          Build report
        </Button>
      </div>
      {jobList.error && <Alert severity="error" title={jobList.error} />}
      {!request && (
        <p className={styles.muted}>
          A report summarises the incidents of the chosen jobs in plain words for people who do not watch the
          dashboards: what stood out, when incidents happen, recurring patterns, what the anomalies were made of.
        </p>
      )}
      {request && params && (
        <div className={styles.toolbar} data-testid="vigil-report-downloads">
          {(['pdf', 'html', 'md', 'json'] as const).map((f) => (
            <a key={f} href={client.href('/api/reports', { ...params, format: f })} download={`vigil-report.${f}`}>
              Download {f.toUpperCase()}
            </a>
          ))}
        </div>
      )}
      {html.loading && request && <LoadingPlaceholder text="Building the report…" />}
      {html.error && <Alert severity="error" title={html.error} />}
      {request && html.data && !html.loading && (
        <iframe
          title="Vigil report"
          data-testid="vigil-report-frame"
          sandbox=""
          srcDoc={html.data}
          style={{ width: '100%', height: '80vh', border: 'none', background: 'white' }}
        />
      )}
    </div>
  );
}
