import React, { ChangeEvent } from 'react';
import { DataSourcePluginOptionsEditorProps } from '@grafana/data';
import { Alert, Field, FieldSet, Input, SecretInput } from '@grafana/ui';

import type { VigilDataSourceOptions, VigilSecureJsonData } from '../../types';

export type ConfigEditorProps = DataSourcePluginOptionsEditorProps<VigilDataSourceOptions, VigilSecureJsonData>;

/** Problem with an engine URL as typed, or undefined when it looks usable. */
export function engineUrlProblem(url: string | undefined): string | undefined {
  if (!url) return 'Required: the engine URL as Grafana’s server reaches it';
  try {
    const u = new URL(url);
    if (u.protocol !== 'http:' && u.protocol !== 'https:') return 'Use an http:// or https:// URL';
  } catch {
    return 'Not a URL: write it like http://vigil:8080';
  }
  return undefined;
}

/**
 * Data source settings: the engine URL (jsonData.url, used by the proxy route) and the engine token
 * (secureJsonData.token: encrypted by Grafana, added to requests by the proxy, never sent back).
 */
export function ConfigEditor({ options, onOptionsChange }: ConfigEditorProps) {
  const { jsonData, secureJsonFields } = options;
  const secure = (options.secureJsonData ?? {}) as VigilSecureJsonData;
  const urlProblem = engineUrlProblem(jsonData.url);

  const setJson = (patch: Partial<VigilDataSourceOptions>) =>
    onOptionsChange({ ...options, jsonData: { ...jsonData, ...patch } });

  return (
    <FieldSet label="Vigil engine" data-testid="vigil-config-editor">
      <Field
        label="Engine URL"
        description="Where Grafana's server reaches `vigil serve`; requests go through Grafana's data source proxy."
        invalid={Boolean(jsonData.url) && Boolean(urlProblem)}
        error={urlProblem}
        required
      >
        <Input
          id="vigil-engine-url"
          data-testid="vigil-engine-url"
          width={48}
          placeholder="http://vigil:8080"
          value={jsonData.url ?? ''}
          onChange={(e: ChangeEvent<HTMLInputElement>) => setJson({ url: e.currentTarget.value.trim() })}
        />
      </Field>
      <Field
        label="Engine token"
        description="The bearer token the engine was started with (VIGIL_API_TOKEN). Stored encrypted; added by the proxy."
      >
        <SecretInput
          id="vigil-engine-token"
          data-testid="vigil-engine-token"
          width={48}
          placeholder="token"
          isConfigured={Boolean(secureJsonFields?.token)}
          value={secure.token ?? ''}
          onChange={(e: ChangeEvent<HTMLInputElement>) =>
            onOptionsChange({ ...options, secureJsonData: { ...secure, token: e.currentTarget.value } })
          }
          onReset={() =>
            onOptionsChange({
              ...options,
              secureJsonFields: { ...secureJsonFields, token: false },
              secureJsonData: { ...secure, token: '' },
            })
          }
        />
      </Field>
      <Field label="Default interval" description="Bucket width for ad-hoc queries when the query sets none, e.g. 1m.">
        <Input
          id="vigil-default-interval"
          data-testid="vigil-default-interval"
          width={16}
          placeholder="dashboard interval"
          value={jsonData.defaultInterval ?? ''}
          onChange={(e: ChangeEvent<HTMLInputElement>) =>
            setJson({ defaultInterval: e.currentTarget.value.trim() || undefined })
          }
        />
      </Field>
      {!secureJsonFields?.token && !secure.token && (
        <Alert severity="info" title="No token set">
          The engine requires a token on every route but /api/health; Save &amp; test will say so if it is missing.
        </Alert>
      )}
    </FieldSet>
  );
}
