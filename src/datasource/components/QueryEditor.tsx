import React, { ChangeEvent, useEffect, useMemo, useState } from 'react';
import { QueryEditorProps, SelectableValue } from '@grafana/data';
import { Alert, InlineField, InlineFieldRow, Input, MultiSelect, RadioButtonGroup, Select } from '@grafana/ui';

import { DEFAULT_HORIZON, KNOWN_DETECTORS } from '../../constants';
import type { QueryType, VigilDataSourceOptions, VigilQuery } from '../../types';
import type {
  ElasticsearchLogQuery,
  ElasticsearchQuery,
  EsMetricType,
  ForecastMethod,
  Job,
  SourceQuery,
} from '../../../pkg/contract';
import type { VigilDataSource } from '../datasource';
import { migrateQuery, validateQuery } from '../migrations';

export type VigilQueryEditorProps = QueryEditorProps<VigilDataSource, VigilQuery, VigilDataSourceOptions>;

const QUERY_TYPES: Array<SelectableValue<QueryType>> = [
  { label: 'Detect', value: 'detect' },
  { label: 'Job results', value: 'job' },
  { label: 'Forecast', value: 'forecast' },
  { label: 'Drift', value: 'drift' },
  { label: 'Log anomalies', value: 'logs' },
  { label: 'Log templates', value: 'templates' },
];
const SOURCE_TYPES: Array<SelectableValue<SourceQuery['type']>> = [
  { label: 'Prometheus', value: 'prometheus' },
  { label: 'Elasticsearch', value: 'elasticsearch' },
  { label: 'Elasticsearch logs', value: 'elasticsearch-logs' },
  { label: 'File', value: 'file' },
];
const ES_METRICS: Array<SelectableValue<EsMetricType>> = (
  ['count', 'cardinality', 'avg', 'sum', 'min', 'max', 'percentile', 'error_rate'] as EsMetricType[]
).map((m) => ({ label: m, value: m }));
const METHODS: Array<SelectableValue<ForecastMethod>> = [
  { label: 'Prophet', value: 'prophet' },
  { label: 'ETS', value: 'ets' },
  { label: 'MSTL', value: 'mstl' },
];
const SENSITIVITY: Array<SelectableValue<number>> = Array.from({ length: 10 }, (_, i) => ({
  label: String(i + 1),
  value: i + 1,
  description: i + 1 <= 3 ? 'only strong anomalies' : i + 1 >= 8 ? 'flags more' : undefined,
}));

const DEFAULT_ES: ElasticsearchQuery = {
  type: 'elasticsearch',
  index: '',
  timeField: '@timestamp',
  metric: { type: 'count' },
};

const DEFAULT_ES_LOGS: ElasticsearchLogQuery = {
  type: 'elasticsearch-logs',
  index: '',
  timeField: '@timestamp',
  messageField: 'message',
};

/** Fields of a log source: index, time field, message field, level field and filter. */
function LogSourceFields({
  value,
  onChange,
  onRunQuery,
}: {
  value: ElasticsearchLogQuery;
  onChange: (s: ElasticsearchLogQuery) => void;
  onRunQuery: () => void;
}) {
  const text = (key: 'index' | 'timeField' | 'messageField' | 'levelField' | 'filter', optional = false) => ({
    value: value[key] ?? '',
    onChange: (e: ChangeEvent<HTMLInputElement>) =>
      onChange({ ...value, [key]: optional ? e.currentTarget.value || undefined : e.currentTarget.value }),
    onBlur: () => onRunQuery(),
  });
  return (
    <>
      <InlineFieldRow>
        <InlineField label="Index" labelWidth={16}>
          <Input data-testid="vigil-logs-index" width={24} placeholder="logs-*" {...text('index')} />
        </InlineField>
        <InlineField label="Time field" labelWidth={14}>
          <Input data-testid="vigil-logs-timefield" width={20} {...text('timeField')} />
        </InlineField>
      </InlineFieldRow>
      <InlineFieldRow>
        <InlineField label="Message field" labelWidth={16} tooltip="The field holding the log message">
          <Input data-testid="vigil-logs-messagefield" width={24} {...text('messageField')} />
        </InlineField>
        <InlineField label="Level field" labelWidth={14} tooltip="Optional: the field holding the level">
          <Input data-testid="vigil-logs-levelfield" width={20} placeholder="log.level" {...text('levelField', true)} />
        </InlineField>
      </InlineFieldRow>
      <InlineFieldRow>
        <InlineField label="Filter" labelWidth={16} grow tooltip="Lucene query string, e.g. service:api">
          <Input data-testid="vigil-logs-filter" {...text('filter', true)} />
        </InlineField>
      </InlineFieldRow>
    </>
  );
}

/**
 * The query editor: query type, then the source (PromQL, or index/time field/metric/filter/split for
 * Elasticsearch), detectors and sensitivity; a job picker for job results and drift; horizon and method
 * for forecasts. Text fields run the query on blur, pickers at once.
 */
export function QueryEditor({ query: raw, onChange, onRunQuery, datasource }: VigilQueryEditorProps) {
  const query = useMemo(() => migrateQuery(raw), [raw]);
  const [jobs, setJobs] = useState<Job[] | undefined>();
  const [jobsError, setJobsError] = useState<string | undefined>();
  const type = query.queryType ?? 'detect';
  const needsJobs = type === 'job' || type === 'drift';

  useEffect(() => {
    if (!needsJobs || jobs) return;
    let live = true;
    datasource
      .listJobs()
      .then((r) => live && setJobs(r.jobs))
      .catch((e: Error) => live && setJobsError(e.message));
    return () => {
      live = false;
    };
  }, [needsJobs, jobs, datasource]);

  const change = (patch: Partial<VigilQuery>, run = false) => {
    onChange({ ...query, ...patch });
    if (run) onRunQuery();
  };
  const setSource = (source: SourceQuery, run = false) => change({ source }, run);
  const es: ElasticsearchQuery = query.source?.type === 'elasticsearch' ? query.source : DEFAULT_ES;
  const problem = validateQuery(query);

  const jobOptions: Array<SelectableValue<string>> = (jobs ?? []).map((j) => ({
    label: j.name,
    value: j.id,
    description: j.enabled ? undefined : 'disabled',
  }));

  return (
    <div data-testid="vigil-query-editor">
      <InlineFieldRow>
        <InlineField
          label="Query type"
          labelWidth={16}
          tooltip="Detect: ad-hoc detection over the dashboard range. Job results: a saved job's results and anomalies. Forecast: past the end of the range. Drift: drift status of jobs. Log anomalies: faults, new templates, template bursts and rule hits in the log messages of an index, with example lines. Log templates: the templates mined from an index."
        >
          <RadioButtonGroup<QueryType>
            options={QUERY_TYPES}
            value={type}
            onChange={(v) =>
              change(
                {
                  queryType: v,
                  ...(v === 'forecast' && !query.horizon ? { horizon: DEFAULT_HORIZON } : {}),
                  ...((v === 'logs' || v === 'templates') && query.source?.type !== 'elasticsearch-logs'
                    ? { source: { ...DEFAULT_ES_LOGS } }
                    : {}),
                },
                true
              )
            }
          />
        </InlineField>
      </InlineFieldRow>

      {(type === 'detect' || type === 'forecast') && (
        <>
          <InlineFieldRow>
            <InlineField label="Source" labelWidth={16} tooltip="File: CSV or NDJSON read by the engine's file source">
              <RadioButtonGroup<SourceQuery['type']>
                options={SOURCE_TYPES}
                value={query.source?.type ?? 'prometheus'}
                onChange={(v) =>
                  setSource(
                    v === 'elasticsearch'
                      ? { ...DEFAULT_ES }
                      : v === 'elasticsearch-logs'
                        ? { ...DEFAULT_ES_LOGS }
                        : v === 'file'
                          ? { type: 'file', path: '' }
                          : { type: 'prometheus', query: '' }
                  )
                }
              />
            </InlineField>
          </InlineFieldRow>
          {query.source?.type === 'elasticsearch-logs' ? (
            <LogSourceFields value={query.source} onChange={(x) => setSource(x)} onRunQuery={onRunQuery} />
          ) : query.source?.type === 'file' ? (
            <InlineFieldRow>
              <InlineField label="File" labelWidth={16} grow tooltip="Path under the engine's file source root">
                <Input
                  data-testid="vigil-file-path"
                  placeholder="metrics/requests.csv"
                  value={query.source.path}
                  onChange={(e: ChangeEvent<HTMLInputElement>) =>
                    setSource({ type: 'file', path: e.currentTarget.value })
                  }
                  onBlur={() => onRunQuery()}
                />
              </InlineField>
            </InlineFieldRow>
          ) : query.source?.type !== 'elasticsearch' ? (
            <InlineFieldRow>
              <InlineField label="PromQL" labelWidth={16} grow tooltip="The Prometheus query whose series are scored">
                <Input
                  data-testid="vigil-promql"
                  placeholder="sum(rate(http_requests_total[5m]))"
                  value={query.source?.type === 'prometheus' ? query.source.query : ''}
                  onChange={(e: ChangeEvent<HTMLInputElement>) =>
                    setSource({ type: 'prometheus', query: e.currentTarget.value })
                  }
                  onBlur={() => onRunQuery()}
                />
              </InlineField>
            </InlineFieldRow>
          ) : (
            <>
              <InlineFieldRow>
                <InlineField label="Index" labelWidth={16}>
                  <Input
                    data-testid="vigil-es-index"
                    width={24}
                    placeholder="weblogs-*"
                    value={es.index}
                    onChange={(e: ChangeEvent<HTMLInputElement>) => setSource({ ...es, index: e.currentTarget.value })}
                    onBlur={() => onRunQuery()}
                  />
                </InlineField>
                <InlineField label="Time field" labelWidth={12}>
                  <Input
                    data-testid="vigil-es-timefield"
                    width={20}
                    value={es.timeField}
                    onChange={(e: ChangeEvent<HTMLInputElement>) =>
                      setSource({ ...es, timeField: e.currentTarget.value })
                    }
                    onBlur={() => onRunQuery()}
                  />
                </InlineField>
              </InlineFieldRow>
              <InlineFieldRow>
                <InlineField label="Metric" labelWidth={16}>
                  <Select<EsMetricType>
                    inputId="vigil-es-metric"
                    width={18}
                    options={ES_METRICS}
                    value={es.metric.type}
                    onChange={(v) => setSource({ ...es, metric: { ...es.metric, type: v.value! } }, true)}
                  />
                </InlineField>
                {es.metric.type !== 'count' && es.metric.type !== 'error_rate' && (
                  <InlineField label="Field" labelWidth={8}>
                    <Input
                      data-testid="vigil-es-field"
                      width={20}
                      value={es.metric.field ?? ''}
                      onChange={(e: ChangeEvent<HTMLInputElement>) =>
                        setSource({ ...es, metric: { ...es.metric, field: e.currentTarget.value || undefined } })
                      }
                      onBlur={() => onRunQuery()}
                    />
                  </InlineField>
                )}
                {es.metric.type === 'percentile' && (
                  <InlineField label="Percentile" labelWidth={12}>
                    <Input
                      type="number"
                      width={10}
                      value={es.metric.percentile ?? 95}
                      onChange={(e: ChangeEvent<HTMLInputElement>) =>
                        setSource({ ...es, metric: { ...es.metric, percentile: Number(e.currentTarget.value) } })
                      }
                      onBlur={() => onRunQuery()}
                    />
                  </InlineField>
                )}
              </InlineFieldRow>
              <InlineFieldRow>
                <InlineField label="Filter" labelWidth={16} grow tooltip="Lucene query string, e.g. status:>=500">
                  <Input
                    data-testid="vigil-es-filter"
                    value={es.filter ?? ''}
                    onChange={(e: ChangeEvent<HTMLInputElement>) =>
                      setSource({ ...es, filter: e.currentTarget.value || undefined })
                    }
                    onBlur={() => onRunQuery()}
                  />
                </InlineField>
                <InlineField label="Split by" labelWidth={12} tooltip="A keyword field: one series per value">
                  <Input
                    data-testid="vigil-es-split"
                    width={20}
                    value={es.splitBy ?? ''}
                    onChange={(e: ChangeEvent<HTMLInputElement>) =>
                      setSource({ ...es, splitBy: e.currentTarget.value || undefined })
                    }
                    onBlur={() => onRunQuery()}
                  />
                </InlineField>
              </InlineFieldRow>
            </>
          )}
        </>
      )}

      {(type === 'logs' || type === 'templates') && (
        <LogSourceFields
          value={query.source?.type === 'elasticsearch-logs' ? query.source : DEFAULT_ES_LOGS}
          onChange={(x) => setSource(x)}
          onRunQuery={onRunQuery}
        />
      )}

      {type === 'detect' && (
        <InlineFieldRow>
          <InlineField label="Detectors" labelWidth={16} tooltip="Empty: the engine's default ensemble">
            <MultiSelect<string>
              inputId="vigil-detectors"
              width={48}
              placeholder="default ensemble"
              options={KNOWN_DETECTORS}
              value={query.detectors ?? []}
              onChange={(v) => change({ detectors: v.map((o) => o.value!).filter(Boolean) }, true)}
            />
          </InlineField>
          <InlineField
            label="Sensitivity"
            labelWidth={12}
            tooltip="1 flags only the strongest anomalies, 10 flags more"
          >
            <Select<number>
              inputId="vigil-sensitivity"
              width={10}
              options={SENSITIVITY}
              value={query.sensitivity}
              onChange={(v) => change({ sensitivity: v.value }, true)}
            />
          </InlineField>
          <InlineField label="Vote" labelWidth={8}>
            <RadioButtonGroup
              options={[
                { label: 'majority', value: 'majority' },
                { label: 'any', value: 'any' },
              ]}
              value={query.mode ?? 'majority'}
              onChange={(v) => change({ mode: v as VigilQuery['mode'] }, true)}
            />
          </InlineField>
        </InlineFieldRow>
      )}

      {type === 'forecast' && (
        <InlineFieldRow>
          <InlineField label="Horizon" labelWidth={16} tooltip="Points to forecast past the end of the range">
            <Input
              data-testid="vigil-horizon"
              type="number"
              width={10}
              value={query.horizon ?? DEFAULT_HORIZON}
              onChange={(e: ChangeEvent<HTMLInputElement>) => change({ horizon: Number(e.currentTarget.value) })}
              onBlur={() => onRunQuery()}
            />
          </InlineField>
          <InlineField label="Method" labelWidth={10}>
            <Select<ForecastMethod>
              inputId="vigil-forecast-method"
              width={14}
              options={METHODS}
              value={query.method}
              placeholder="engine default"
              onChange={(v) => change({ method: v.value }, true)}
            />
          </InlineField>
        </InlineFieldRow>
      )}

      {needsJobs && (
        <InlineFieldRow>
          <InlineField
            label="Job"
            labelWidth={16}
            invalid={Boolean(jobsError)}
            error={jobsError}
            tooltip={type === 'drift' ? 'Empty: every job' : undefined}
          >
            <Select<string>
              inputId="vigil-job"
              width={36}
              isClearable={type === 'drift'}
              isLoading={!jobs && !jobsError}
              options={jobOptions}
              value={query.jobId ?? null}
              allowCustomValue
              placeholder={type === 'drift' ? 'all jobs' : 'choose a job'}
              onChange={(v) => change({ jobId: v?.value || undefined }, true)}
            />
          </InlineField>
        </InlineFieldRow>
      )}

      {(type === 'detect' || type === 'forecast' || type === 'job' || type === 'logs') && (
        <InlineFieldRow>
          <InlineField label="Interval" labelWidth={16} tooltip="Bucket width, e.g. 5m; empty: the dashboard's">
            <Input
              data-testid="vigil-interval"
              width={12}
              placeholder="auto"
              value={query.interval ?? ''}
              onChange={(e: ChangeEvent<HTMLInputElement>) => change({ interval: e.currentTarget.value || undefined })}
              onBlur={() => onRunQuery()}
            />
          </InlineField>
        </InlineFieldRow>
      )}

      {problem && <Alert severity="info" title={problem} data-testid="vigil-query-problem" />}
    </div>
  );
}
