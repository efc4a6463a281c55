import React, { ChangeEvent } from 'react';
import { SelectableValue } from '@grafana/data';
import { Field, Input, RadioButtonGroup, Select, Stack } from '@grafana/ui';

import type { ElasticsearchLogQuery, ElasticsearchQuery, EsMetricType, SourceQuery } from '../../pkg/contract';

const METRICS: Array<SelectableValue<EsMetricType>> = (
  ['count', 'cardinality', 'avg', 'sum', 'min', 'max', 'percentile', 'error_rate'] as EsMetricType[]
).map((m) => ({ label: m, value: m }));

/** Form fields for a job's source query (Prometheus, Elasticsearch, the log messages of an index, or a file). */
export function SourceFields({ value, onChange }: { value: SourceQuery; onChange: (s: SourceQuery) => void }) {
  const es: ElasticsearchQuery =
    value.type === 'elasticsearch'
      ? value
      : { type: 'elasticsearch', index: '', timeField: '@timestamp', metric: { type: 'count' } };
  const logs: ElasticsearchLogQuery =
    value.type === 'elasticsearch-logs'
      ? value
      : { type: 'elasticsearch-logs', index: '', timeField: '@timestamp', messageField: 'message' };
  const logText = (key: 'index' | 'timeField' | 'messageField' | 'levelField' | 'filter', optional = false) => ({
    value: logs[key] ?? '',
    onChange: (e: ChangeEvent<HTMLInputElement>) =>
      onChange({ ...logs, [key]: optional ? e.currentTarget.value || undefined : e.currentTarget.value }),
  });
  return (
    <>
      <Field label="Source">
        <RadioButtonGroup<SourceQuery['type']>
          options={[
            { label: 'Prometheus', value: 'prometheus' },
            { label: 'Elasticsearch', value: 'elasticsearch' },
            { label: 'Elasticsearch logs', value: 'elasticsearch-logs' },
            { label: 'File', value: 'file' },
          ]}
          value={value.type}
          onChange={(t) =>
            onChange(
              t === 'prometheus'
                ? { type: 'prometheus', query: '' }
                : t === 'file'
                  ? { type: 'file', path: '' }
                  : t === 'elasticsearch-logs'
                    ? logs
                    : es
            )
          }
        />
      </Field>
      {value.type === 'elasticsearch-logs' ? (
        <Stack gap={2} wrap="wrap">
          <Field label="Index" description="Each mined log template becomes a series of its lines per interval">
            <Input data-testid="vigil-job-logs-index" width={24} {...logText('index')} />
          </Field>
          <Field label="Time field">
            <Input width={20} {...logText('timeField')} />
          </Field>
          <Field label="Message field">
            <Input data-testid="vigil-job-logs-message" width={20} {...logText('messageField')} />
          </Field>
          <Field label="Level field">
            <Input width={20} {...logText('levelField', true)} />
          </Field>
          <Field label="Filter">
            <Input width={30} {...logText('filter', true)} />
          </Field>
        </Stack>
      ) : value.type === 'file' ? (
        <Field label="File" description="CSV or NDJSON under the engine's file source root">
          <Input
            data-testid="vigil-job-file"
            value={value.path}
            placeholder="metrics/requests.csv"
            onChange={(e: ChangeEvent<HTMLInputElement>) => onChange({ type: 'file', path: e.currentTarget.value })}
          />
        </Field>
      ) : value.type === 'prometheus' ? (
        <Field label="PromQL" description="Each series the query returns is scored separately">
          <Input
            data-testid="vigil-job-promql"
            value={value.query}
            placeholder="sum by (job) (rate(http_requests_total[5m]))"
            onChange={(e: ChangeEvent<HTMLInputElement>) =>
              onChange({ type: 'prometheus', query: e.currentTarget.value })
            }
          />
        </Field>
      ) : (
        <Stack gap={2} wrap="wrap">
          <Field label="Index">
            <Input
              value={es.index}
              width={24}
              onChange={(e: ChangeEvent<HTMLInputElement>) => onChange({ ...es, index: e.currentTarget.value })}
            />
          </Field>
          <Field label="Time field">
            <Input
              value={es.timeField}
              width={20}
              onChange={(e: ChangeEvent<HTMLInputElement>) => onChange({ ...es, timeField: e.currentTarget.value })}
            />
          </Field>
          <Field label="Metric">
            <Select<EsMetricType>
              width={18}
              options={METRICS}
              value={es.metric.type}
              onChange={(v) => onChange({ ...es, metric: { ...es.metric, type: v.value! } })}
            />
          </Field>
          <Field label="Field">
            <Input
              value={es.metric.field ?? ''}
              width={20}
              onChange={(e: ChangeEvent<HTMLInputElement>) =>
                onChange({ ...es, metric: { ...es.metric, field: e.currentTarget.value || undefined } })
              }
            />
          </Field>
          <Field label="Filter">
            <Input
              value={es.filter ?? ''}
              width={30}
              onChange={(e: ChangeEvent<HTMLInputElement>) =>
                onChange({ ...es, filter: e.currentTarget.value || undefined })
              }
            />
          </Field>
          <Field label="Split by">
            <Input
              value={es.splitBy ?? ''}
              width={20}
              onChange={(e: ChangeEvent<HTMLInputElement>) =>
                onChange({ ...es, splitBy: e.currentTarget.value || undefined })
              }
            />
          </Field>
        </Stack>
      )}
    </>
  );
}
