import React, { ChangeEvent } from 'react';
import { InlineField, InlineFieldRow, Input, RadioButtonGroup, Select } from '@grafana/ui';

import type { VigilVariableQuery } from '../../types';
import { migrateVariableQuery, VARIABLE_SOURCE_TYPES } from '../migrations';

export interface VariableQueryEditorProps {
  query: VigilVariableQuery | string;
  onChange: (query: VigilVariableQuery, definition: string) => void;
}

/** `jobs` or `label values of <label> [for job <job>]`, as the variable's definition text. */
export function variableDefinition(q: VigilVariableQuery): string {
  if (q.kind === 'jobs') return q.sourceType ? `Vigil jobs (${q.sourceType} source)` : 'Vigil jobs';
  return `label_values(${q.label ?? ''})${q.jobId ? ` for job ${q.jobId}` : ''}`;
}

/** Template variable editor: jobs, or the values of a label across the engine's result series. */
export function VariableQueryEditor({ query: raw, onChange }: VariableQueryEditorProps) {
  const query = migrateVariableQuery(raw);
  const set = (patch: Partial<VigilVariableQuery>) => {
    const q = { ...query, ...patch };
    onChange(q, variableDefinition(q));
  };
  return (
    <div data-testid="vigil-variable-editor">
      <InlineFieldRow>
        <InlineField label="Values" labelWidth={16}>
          <RadioButtonGroup<VigilVariableQuery['kind']>
            options={[
              { label: 'Jobs', value: 'jobs' },
              { label: 'Label values', value: 'labelValues' },
            ]}
            value={query.kind}
            onChange={(kind) => set({ kind })}
          />
        </InlineField>
      </InlineFieldRow>
      {query.kind === 'jobs' && (
        <InlineFieldRow>
          <InlineField
            label="Source"
            labelWidth={16}
            tooltip="Only jobs whose source is of this type; empty: every job"
          >
            <Select<VigilVariableQuery['sourceType']>
              inputId="vigil-variable-source-type"
              width={24}
              isClearable
              placeholder="every job"
              options={VARIABLE_SOURCE_TYPES.map((t) => ({ label: t, value: t }))}
              value={query.sourceType ?? null}
              onChange={(v) => set({ sourceType: v?.value ?? undefined })}
            />
          </InlineField>
        </InlineFieldRow>
      )}
      {query.kind === 'labelValues' && (
        <InlineFieldRow>
          <InlineField label="Label" labelWidth={16}>
            <Input
              width={24}
              value={query.label ?? ''}
              placeholder="host"
              onChange={(e: ChangeEvent<HTMLInputElement>) => set({ label: e.currentTarget.value || undefined })}
            />
          </InlineField>
          <InlineField label="Job" labelWidth={8} tooltip="Only series of this job (name); empty: all">
            <Input
              width={24}
              value={query.jobId ?? ''}
              onChange={(e: ChangeEvent<HTMLInputElement>) => set({ jobId: e.currentTarget.value || undefined })}
            />
          </InlineField>
        </InlineFieldRow>
      )}
    </div>
  );
}
