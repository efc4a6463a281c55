import React, { useState } from 'react';
import { AppPluginMeta, PluginConfigPageProps, SelectableValue } from '@grafana/data';
import { getBackendSrv, getDataSourceSrv } from '@grafana/runtime';
import { Alert, Button, Field, FieldSet, Select } from '@grafana/ui';
import { lastValueFrom } from 'rxjs';

import { APP_ID, DATASOURCE_ID } from '../constants';
import type { AppSettings } from './App';

export type AppConfigProps = PluginConfigPageProps<AppPluginMeta<AppSettings>>;

/** App configuration: enable the app and choose the Vigil data source its pages talk through. */
export function AppConfig({ plugin }: AppConfigProps) {
  const { enabled, pinned, jsonData } = plugin.meta;
  const [uid, setUid] = useState<string | undefined>(jsonData?.datasourceUid);
  const [state, setState] = useState<{ error?: string; saved?: boolean }>({});
  const options: Array<SelectableValue<string>> = getDataSourceSrv()
    .getList({ pluginId: DATASOURCE_ID } as Parameters<ReturnType<typeof getDataSourceSrv>['getList']>[0])
    .filter((d) => d.type === DATASOURCE_ID)
    .map((d) => ({ label: d.name, value: d.uid }));

  const save = async (enable: boolean) => {
    setState({});
    try {
      await lastValueFrom(
        getBackendSrv().fetch({
          url: `/api/plugins/${APP_ID}/settings`,
          method: 'POST',
          data: {
            enabled: enable,
            pinned: enable ? (pinned ?? true) : false,
            jsonData: { ...jsonData, datasourceUid: uid },
          },
          showSuccessAlert: false,
        })
      );
      setState({ saved: true });
    } catch (e) {
      setState({
        error: `Saving the app settings failed: ${(e as { data?: { message?: string } }).data?.message ?? (e as Error).message}`,
      });
    }
  };

  return (
    <div data-testid="vigil-app-config">
      <FieldSet label="Vigil">
        <Field label="Data source" description="The Vigil data source the app's pages use; the first one when empty.">
          <Select<string>
            inputId="vigil-app-datasource"
            width={40}
            options={options}
            value={uid ?? null}
            isClearable
            placeholder={options.length ? 'first Vigil data source' : 'no Vigil data source configured'}
            onChange={(v) => setUid(v?.value)}
          />
        </Field>
        {options.length === 0 && (
          <Alert severity="warning" title="No Vigil data source">
            Add a Vigil data source (Connections &gt; Data sources) with the engine URL and token first.
          </Alert>
        )}
        <Button onClick={() => save(true)}>{enabled ? 'Save settings' : 'Enable'}</Button>{' '}
        {enabled && (
          <Button variant="destructive" onClick={() => save(false)}>
            Disable
          </Button>
        )}
        {state.saved && <Alert severity="success" title="Saved" />}
        {state.error && <Alert severity="error" title={state.error} />}
      </FieldSet>
    </div>
  );
}
