/**
 * The engine config's blocks for what happens after detection: `notifications` (Alertmanager, webhook, Slack,
 * PagerDuty receivers), `annotations` (Grafana), `incidents` (grouping), `reports` (scheduled reports) and
 * `summaryModel` (an OpenAI-compatible endpoint that rewrites report summaries). Their
 * JSON Schema joins `CONFIG_SCHEMA`; `actionConfig` turns them into the notifier's, annotator's and scheduler's
 * options (durations in ms). String values may name environment variables as `${NAME}`, so secrets stay out of the
 * file.
 */
import { parseInterval } from '../core/interval';
import type { GrafanaAnnotationsConfig } from '../notify/grafana';
import type { NotifyConfig, ReceiverConfig } from '../notify/types';
import type { SummaryModelConfig } from '../report/rewrite';
import type { ReportScheduleConfig } from '../report/schedule';

const durationPattern = '^([0-9]+(ms|s|m|h|d|w))+$';
const url = { type: 'string', minLength: 1 };
const severity = { enum: ['critical', 'major', 'minor', 'warning'] };
const rateLimit = {
  oneOf: [
    { const: false },
    {
      type: 'object',
      additionalProperties: false,
      required: ['count', 'window'],
      properties: { count: { type: 'integer', minimum: 1 }, window: { type: 'string', pattern: durationPattern } },
    },
  ],
};
const receiverCommon = {
  name: { type: 'string', minLength: 1 },
  jobs: { type: 'array', items: { type: 'string', minLength: 1 } },
  minSeverity: severity,
  rateLimit,
};

/** JSON Schema of the blocks (added to the config's `properties`). */
export const ACTION_CONFIG_SCHEMA = {
  notifications: {
    type: 'object',
    additionalProperties: false,
    properties: {
      grafanaUrl: url,
      rateLimit: rateLimit.oneOf[1],
      retry: {
        type: 'object',
        additionalProperties: false,
        properties: {
          retries: { type: 'integer', minimum: 0, maximum: 10 },
          minDelay: { type: 'string', pattern: durationPattern },
          maxDelay: { type: 'string', pattern: durationPattern },
          timeout: { type: 'string', pattern: durationPattern },
        },
      },
      receivers: {
        type: 'array',
        items: {
          type: 'object',
          required: ['name', 'type'],
          properties: { type: { enum: ['alertmanager', 'webhook', 'slack', 'pagerduty'] } },
          // one branch per type (if/then rather than oneOf, so a mistake is reported against its own type)
          allOf: [
            {
              if: { properties: { type: { const: 'alertmanager' } } },
              then: {
                properties: {
                  ...receiverCommon,
                  type: { const: 'alertmanager' },
                  url,
                  labels: { type: 'object', additionalProperties: { type: 'string' } },
                  resendInterval: { type: 'string', pattern: durationPattern },
                  auth: {
                    oneOf: [
                      {
                        type: 'object',
                        additionalProperties: false,
                        required: ['username', 'password'],
                        properties: { username: { type: 'string' }, password: { type: 'string' } },
                      },
                      {
                        type: 'object',
                        additionalProperties: false,
                        required: ['token'],
                        properties: { token: { type: 'string', minLength: 1 } },
                      },
                    ],
                  },
                },
                required: ['url'],
                additionalProperties: false,
              },
            },
            {
              if: { properties: { type: { const: 'webhook' } } },
              then: {
                properties: {
                  ...receiverCommon,
                  type: { const: 'webhook' },
                  url,
                  headers: { type: 'object', additionalProperties: { type: 'string' } },
                  signingSecret: { type: 'string', minLength: 8 },
                },
                required: ['url'],
                additionalProperties: false,
              },
            },
            {
              if: { properties: { type: { const: 'slack' } } },
              then: {
                properties: { ...receiverCommon, type: { const: 'slack' }, url },
                required: ['url'],
                additionalProperties: false,
              },
            },
            {
              if: { properties: { type: { const: 'pagerduty' } } },
              then: {
                properties: {
                  ...receiverCommon,
                  type: { const: 'pagerduty' },
                  routingKey: { type: 'string', minLength: 1 },
                  url,
                  severityMap: {
                    type: 'object',
                    additionalProperties: false,
                    properties: Object.fromEntries(
                      ['critical', 'major', 'minor', 'warning'].map((s) => [
                        s,
                        { enum: ['critical', 'error', 'warning', 'info'] },
                      ])
                    ),
                  },
                },
                required: ['routingKey'],
                additionalProperties: false,
              },
            },
          ],
        },
      },
    },
  },
  annotations: {
    type: 'object',
    additionalProperties: false,
    properties: {
      grafana: {
        type: 'object',
        additionalProperties: false,
        required: ['url', 'token'],
        properties: {
          url,
          token: { type: 'string', minLength: 1 },
          orgId: { type: 'integer', minimum: 1 },
          tags: { type: 'array', items: { type: 'string', minLength: 1 } },
          publicUrl: url,
        },
      },
    },
  },
  incidents: {
    type: 'object',
    additionalProperties: false,
    properties: {
      correlationLabels: { type: 'array', items: { type: 'string', minLength: 1 } },
      quietIntervals: { type: 'integer', minimum: 1, maximum: 1000 },
    },
  },
  summaryModel: {
    type: 'object',
    additionalProperties: false,
    required: ['url', 'model'],
    properties: {
      url,
      model: { type: 'string', minLength: 1 },
      apiKey: { type: 'string', minLength: 1 },
      timeout: { type: 'string', pattern: durationPattern },
    },
  },
  reports: {
    type: 'array',
    items: {
      type: 'object',
      additionalProperties: false,
      required: ['name', 'every'],
      properties: {
        name: { type: 'string', pattern: '^[A-Za-z0-9][A-Za-z0-9._-]*$' },
        every: { enum: ['1d', '1w'] },
        format: { enum: ['pdf', 'html', 'md', 'json'] },
        jobs: { type: 'array', items: { type: 'string', minLength: 1 } },
        title: { type: 'string', minLength: 1 },
        folder: { type: 'string', minLength: 1 },
        webhook: {
          type: 'object',
          additionalProperties: false,
          required: ['url'],
          properties: { url, headers: { type: 'object', additionalProperties: { type: 'string' } } },
        },
      },
    },
  },
} as const;

/** The blocks as they are written (durations as text). */
export interface ActionConfigInput {
  notifications?: {
    grafanaUrl?: string;
    rateLimit?: { count: number; window: string };
    retry?: { retries?: number; minDelay?: string; maxDelay?: string; timeout?: string };
    receivers?: (Record<string, unknown> & { name: string; type: ReceiverConfig['type'] })[];
  };
  annotations?: { grafana?: Omit<GrafanaAnnotationsConfig, 'retry'> };
  incidents?: { correlationLabels?: string[]; quietIntervals?: number };
  reports?: ReportScheduleConfig[];
  /** an OpenAI-compatible endpoint that rewrites report summaries (the generated text is the fallback) */
  summaryModel?: { url: string; model: string; apiKey?: string; timeout?: string };
}

/** The blocks resolved for the engine. */
export interface ActionConfig {
  notify: NotifyConfig;
  annotations?: GrafanaAnnotationsConfig;
  incidents: { correlationLabels?: string[]; quietIntervals: number };
  reports: ReportScheduleConfig[];
  summaryModel?: SummaryModelConfig;
}

/** A problem in one of the blocks; the message names the key. */
export class ActionConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ActionConfigError';
  }
}

/**
 * Replace `${NAME}` in every string of `value` by the environment variable NAME.
 * @throws ActionConfigError naming the key and the variable when it is not set
 */
export function expandEnv<T>(value: T, env: Record<string, string | undefined>, key: string): T {
  if (typeof value === 'string') {
    return value.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g, (_m, name: string) => {
      const v = env[name];
      if (v === undefined) throw new ActionConfigError(`${key}: environment variable ${name} is not set`);
      return v;
    }) as T;
  }
  if (Array.isArray(value)) return value.map((v, i) => expandEnv(v, env, `${key}[${i}]`)) as T;
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, expandEnv(v, env, `${key}.${k}`)])
    ) as T;
  }
  return value;
}

/**
 * Resolve the blocks: expand `${NAME}` variables, add receivers from the environment (`VIGIL_ALERTMANAGER_URL`
 * adds an Alertmanager receiver named `alertmanager`; `VIGIL_GRAFANA_URL` + `VIGIL_GRAFANA_TOKEN` turn on
 * annotations), convert durations to ms, and check what the schema cannot: unique receiver names, http(s) URLs,
 * PagerDuty routing keys of 32 characters, unique report names. Messages never quote a secret.
 *
 * @throws ActionConfigError naming the key at fault
 */
export function actionConfig(input: ActionConfigInput, env: Record<string, string | undefined> = {}): ActionConfig {
  const n = expandEnv(input.notifications ?? {}, env, 'notifications');
  const receivers: ReceiverConfig[] = [];
  const names = new Set<string>();
  const ms = (v: string | undefined, key: string) => (v === undefined ? undefined : parseInterval(v, key));
  const receiverList = [...(n.receivers ?? [])];
  if (env.VIGIL_ALERTMANAGER_URL && !receiverList.some((r) => r.name === 'alertmanager')) {
    receiverList.push({ name: 'alertmanager', type: 'alertmanager', url: env.VIGIL_ALERTMANAGER_URL });
  }
  receiverList.forEach((raw, i) => {
    const key = `notifications.receivers[${i}]`;
    const r = raw as Record<string, unknown> & { name: string; type: ReceiverConfig['type'] };
    if (names.has(r.name)) throw new ActionConfigError(`${key}.name: two receivers are named "${r.name}"`);
    names.add(r.name);
    if (typeof r.url === 'string') checkUrl(r.url, `${key}.url`, r.type === 'alertmanager');
    const rl = r.rateLimit as { count: number; window: string } | false | undefined;
    const common = {
      name: r.name,
      ...(r.jobs ? { jobs: r.jobs as string[] } : {}),
      ...(r.minSeverity ? { minSeverity: r.minSeverity as ReceiverConfig['minSeverity'] } : {}),
      ...(rl === false
        ? { rateLimit: false as const }
        : rl
          ? { rateLimit: { count: rl.count, windowMs: parseInterval(rl.window, `${key}.rateLimit.window`) } }
          : {}),
    };
    switch (r.type) {
      case 'alertmanager':
        receivers.push({
          ...common,
          type: 'alertmanager',
          url: r.url as string,
          ...(r.auth ? { auth: r.auth as { token: string } } : {}),
          ...(r.labels ? { labels: r.labels as Record<string, string> } : {}),
          ...(r.resendInterval ? { resendIntervalMs: ms(r.resendInterval as string, `${key}.resendInterval`) } : {}),
        });
        break;
      case 'webhook':
        receivers.push({
          ...common,
          type: 'webhook',
          url: r.url as string,
          ...(r.headers ? { headers: r.headers as Record<string, string> } : {}),
          ...(r.signingSecret ? { signingSecret: r.signingSecret as string } : {}),
        });
        break;
      case 'slack':
        receivers.push({ ...common, type: 'slack', url: r.url as string });
        break;
      case 'pagerduty': {
        const k = r.routingKey as string;
        if (k.length !== 32) {
          throw new ActionConfigError(
            `${key}.routingKey: a PagerDuty routing key has 32 characters, this one has ${k.length}`
          );
        }
        receivers.push({
          ...common,
          type: 'pagerduty',
          routingKey: k,
          ...(r.url ? { url: r.url as string } : {}),
          ...(r.severityMap ? { severityMap: r.severityMap as Record<string, 'critical'> } : {}),
        });
        break;
      }
    }
  });
  if (n.grafanaUrl) checkUrl(n.grafanaUrl, 'notifications.grafanaUrl', true);
  const notify: NotifyConfig = {
    receivers,
    ...(n.grafanaUrl ? { grafanaUrl: n.grafanaUrl } : {}),
    ...(n.rateLimit
      ? {
          rateLimit: {
            count: n.rateLimit.count,
            windowMs: parseInterval(n.rateLimit.window, 'notifications.rateLimit.window'),
          },
        }
      : {}),
    ...(n.retry
      ? {
          retry: {
            ...(n.retry.retries !== undefined ? { retries: n.retry.retries } : {}),
            ...(n.retry.minDelay ? { minDelayMs: ms(n.retry.minDelay, 'notifications.retry.minDelay') } : {}),
            ...(n.retry.maxDelay ? { maxDelayMs: ms(n.retry.maxDelay, 'notifications.retry.maxDelay') } : {}),
            ...(n.retry.timeout ? { timeoutMs: ms(n.retry.timeout, 'notifications.retry.timeout') } : {}),
          },
        }
      : {}),
  };

  let annotations = expandEnv(input.annotations?.grafana, env, 'annotations.grafana');
  if (!annotations && env.VIGIL_GRAFANA_URL && env.VIGIL_GRAFANA_TOKEN) {
    annotations = { url: env.VIGIL_GRAFANA_URL, token: env.VIGIL_GRAFANA_TOKEN };
  }
  if (annotations) {
    checkUrl(annotations.url, 'annotations.grafana.url', true);
    if (annotations.publicUrl) checkUrl(annotations.publicUrl, 'annotations.grafana.publicUrl', true);
  }

  const reports = expandEnv(input.reports ?? [], env, 'reports');
  const reportNames = new Set<string>();
  reports.forEach((r, i) => {
    if (reportNames.has(r.name)) throw new ActionConfigError(`reports[${i}].name: two reports are named "${r.name}"`);
    reportNames.add(r.name);
    if (!r.folder && !r.webhook) throw new ActionConfigError(`reports[${i}]: give a folder, a webhook, or both`);
    if (r.webhook) checkUrl(r.webhook.url, `reports[${i}].webhook.url`, false);
  });

  const sm = expandEnv(input.summaryModel, env, 'summaryModel');
  if (sm) checkUrl(sm.url, 'summaryModel.url', true);
  const summaryModel: SummaryModelConfig | undefined = sm && {
    url: sm.url,
    model: sm.model,
    ...(sm.apiKey ? { apiKey: sm.apiKey } : {}),
    ...(sm.timeout ? { timeoutMs: parseInterval(sm.timeout, 'summaryModel.timeout') } : {}),
  };

  return {
    notify,
    ...(summaryModel ? { summaryModel } : {}),
    ...(annotations ? { annotations } : {}),
    incidents: {
      ...(input.incidents?.correlationLabels ? { correlationLabels: input.incidents.correlationLabels } : {}),
      quietIntervals: input.incidents?.quietIntervals ?? 2,
    },
    reports,
  };
}

/** @throws ActionConfigError when `value` is not an http(s) URL; the URL is quoted only when `quote` (no secret) */
function checkUrl(value: string, key: string, quote: boolean): void {
  let ok: boolean;
  try {
    const u = new URL(value);
    ok = u.protocol === 'http:' || u.protocol === 'https:';
  } catch {
    ok = false;
  }
  if (!ok) throw new ActionConfigError(`${key}: must be an http:// or https:// URL${quote ? `, got "${value}"` : ''}`);
}
