import React from 'react';
import { Field, RadioButtonGroup, Stack } from '@grafana/ui';

import type { JobSpec, OutlierAlgorithm, OutlierOptions } from '../../pkg/contract';
import { OptionalNumberInput } from './OptionalNumberInput';

const ALGORITHMS: Array<{ label: string; value: OutlierAlgorithm; description: string }> = [
  {
    label: 'DBSCAN',
    value: 'dbscan',
    description: 'At each time, the series outside the cluster holding most of the group',
  },
  {
    label: 'MAD',
    value: 'mad',
    description: "Values far from the group's median, in median absolute deviations (groups in a stable band)",
  },
];

/**
 * The options of a peer-group outliers job, as the API defines them (`outliers` of the job spec): the algorithm
 * (DBSCAN, the default, or MAD), the sensitivity (0-1, default 0.5: higher flags more series) and the minimum duration
 * (consecutive outlying points before a series counts as an outlier, default 3). An empty field means the default.
 */
export function OutlierFields({ spec, set }: { spec: JobSpec; set: (patch: Partial<JobSpec>) => void }) {
  const o = spec.outliers ?? {};
  const update = (patch: Partial<OutlierOptions>) => set({ outliers: { ...o, ...patch } });
  return (
    <>
      <Field label="Algorithm" description={ALGORITHMS.find((a) => a.value === (o.algorithm ?? 'dbscan'))?.description}>
        <RadioButtonGroup<OutlierAlgorithm>
          options={ALGORITHMS.map(({ label, value }) => ({ label, value }))}
          value={o.algorithm ?? 'dbscan'}
          onChange={(algorithm) => update({ algorithm })}
        />
      </Field>
      <Stack gap={2}>
        <Field label="Sensitivity" description="0-1, higher flags more; empty: 0.5">
          <OptionalNumberInput
            data-testid="vigil-job-outlier-sensitivity"
            width={12}
            min={0}
            max={1}
            step={0.05}
            placeholder="0.5"
            value={o.sensitivity}
            onChange={(sensitivity) => update({ sensitivity })}
          />
        </Field>
        <Field label="Minimum duration" description="Points in a row before it counts; empty: 3">
          <OptionalNumberInput
            data-testid="vigil-job-outlier-min-duration"
            width={12}
            min={1}
            step={1}
            placeholder="3"
            value={o.minDuration}
            onChange={(minDuration) => update({ minDuration })}
          />
        </Field>
      </Stack>
    </>
  );
}
