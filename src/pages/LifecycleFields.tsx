import React, { ChangeEvent } from 'react';
import { Button, Field, FieldSet, IconButton, Input, RadioButtonGroup, Stack, useStyles2 } from '@grafana/ui';

import { getPageStyles } from '../components/styles';
import type { JobSpec, MaintenanceWindow } from '../../pkg/contract';
import { fromLocalInput, isRecurring, toLocalInput } from './lifecycle';

const HOUR = 3_600_000;

/**
 * The job editor's lifecycle fields: the ingest delay (score only buckets older than now minus it) and the maintenance
 * windows, one-off (start and end in the browser's time zone) or recurring (cron fields, a duration, a time zone),
 * during which the job scores but raises no event.
 */
export function LifecycleFields({ spec, set }: { spec: JobSpec; set: (patch: Partial<JobSpec>) => void }) {
  const styles = useStyles2(getPageStyles);
  const windows = spec.maintenanceWindows ?? [];
  const setWindows = (ws: MaintenanceWindow[]) => set({ maintenanceWindows: ws.length ? ws : undefined });
  const update = (i: number, w: MaintenanceWindow) => setWindows(windows.map((x, k) => (k === i ? w : x)));
  const add = () => {
    const start = Math.ceil(Date.now() / HOUR) * HOUR + 24 * HOUR;
    setWindows([...windows, { from: start, to: start + 2 * HOUR }]);
  };

  return (
    <FieldSet label="Lifecycle">
      <Field
        label="Ingest delay"
        description="Score only buckets older than now minus this, for sources whose data arrives late (e.g. 2m); empty: none"
      >
        <Input
          data-testid="vigil-job-ingest-delay"
          width={12}
          placeholder="0"
          value={spec.ingestDelay ?? ''}
          onChange={(e: ChangeEvent<HTMLInputElement>) =>
            set({ ingestDelay: e.currentTarget.value.trim() || undefined })
          }
        />
      </Field>
      <Field
        label="Maintenance windows"
        description="While one is in force the job keeps scoring but raises no event (no incident, no notification)"
      >
        <div data-testid="vigil-maintenance">
          {windows.length === 0 && <p className={styles.muted}>None.</p>}
          {windows.map((w, i) => {
            const recurring = isRecurring(w);
            return (
              <div key={i} data-testid="vigil-maintenance-window" className={styles.section}>
                <Stack gap={2} alignItems="flex-end" wrap="wrap">
                  <Field label="Name">
                    <Input
                      data-testid="vigil-maintenance-name"
                      width={20}
                      value={w.name ?? ''}
                      onChange={(e: ChangeEvent<HTMLInputElement>) =>
                        update(i, { ...w, name: e.currentTarget.value || undefined })
                      }
                    />
                  </Field>
                  <Field label="Kind">
                    <RadioButtonGroup
                      options={[
                        { label: 'One-off', value: 'once' },
                        { label: 'Recurring', value: 'recurring' },
                      ]}
                      value={recurring ? 'recurring' : 'once'}
                      onChange={(k) =>
                        update(
                          i,
                          k === 'recurring'
                            ? { name: w.name, cron: '0 2 * * 6', duration: '2h' }
                            : {
                                name: w.name,
                                from: Math.ceil(Date.now() / HOUR) * HOUR,
                                to: Math.ceil(Date.now() / HOUR) * HOUR + 2 * HOUR,
                              }
                        )
                      }
                    />
                  </Field>
                  {!recurring && (
                    <>
                      <Field label="Start" description="your browser's time">
                        <Input
                          data-testid="vigil-maintenance-from"
                          type="datetime-local"
                          width={30}
                          value={toLocalInput(w.from)}
                          onChange={(e: ChangeEvent<HTMLInputElement>) =>
                            update(i, { ...w, from: fromLocalInput(e.currentTarget.value) })
                          }
                        />
                      </Field>
                      <Field label="End">
                        <Input
                          data-testid="vigil-maintenance-to"
                          type="datetime-local"
                          width={30}
                          value={toLocalInput(w.to)}
                          onChange={(e: ChangeEvent<HTMLInputElement>) =>
                            update(i, { ...w, to: fromLocalInput(e.currentTarget.value) })
                          }
                        />
                      </Field>
                    </>
                  )}
                  {recurring && (
                    <>
                      <Field label="Cron" description="minute hour day month weekday">
                        <Input
                          data-testid="vigil-maintenance-cron"
                          width={16}
                          placeholder="0 2 * * 6"
                          value={w.cron ?? ''}
                          onChange={(e: ChangeEvent<HTMLInputElement>) =>
                            update(i, { ...w, cron: e.currentTarget.value })
                          }
                        />
                      </Field>
                      <Field label="Duration">
                        <Input
                          data-testid="vigil-maintenance-duration"
                          width={10}
                          placeholder="2h"
                          value={w.duration ?? ''}
                          onChange={(e: ChangeEvent<HTMLInputElement>) =>
                            update(i, { ...w, duration: e.currentTarget.value.trim() })
                          }
                        />
                      </Field>
                      <Field label="Time zone" description="IANA; empty: UTC">
                        <Input
                          data-testid="vigil-maintenance-timezone"
                          width={18}
                          placeholder="UTC"
                          value={w.timezone ?? ''}
                          onChange={(e: ChangeEvent<HTMLInputElement>) =>
                            update(i, { ...w, timezone: e.currentTarget.value.trim() || undefined })
                          }
                        />
                      </Field>
                    </>
                  )}
                  {/* level with the inputs (a Field keeps a margin under its input) */}
                  <div style={{ marginBottom: 22 }}>
                    <IconButton
                      name="trash-alt"
                      tooltip={`Remove maintenance window ${i + 1}`}
                      onClick={() => setWindows(windows.filter((_, k) => k !== i))}
                    />
                  </div>
                </Stack>
              </div>
            );
          })}
          <Button size="sm" variant="secondary" icon="plus" onClick={add} type="button">
            Add maintenance window
          </Button>
        </div>
      </Field>
    </FieldSet>
  );
}
