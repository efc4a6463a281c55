import { readFileSync } from 'node:fs';
import path from 'node:path';
import Ajv, { type ErrorObject } from 'ajv';
import YAML from 'yaml';
import { InputError } from '../core/errors';
import {
  ACTION_CONFIG_SCHEMA,
  ActionConfigError,
  actionConfig,
  type ActionConfig,
  type ActionConfigInput,
} from './action';
import { isSecretName, registerSecret } from '../core/scrub';

/** Authentication for a source or sink. */
export type AuthConfig =
  | { type: 'basic'; username: string; password: string }
  | { type: 'bearer'; token: string }
  | { type: 'apiKey'; apiKey: string };

/** One configured source instance. */
export interface SourceConfig {
  type: 'prometheus' | 'elasticsearch' | 'file';
  /** instance name used by queries' `source` field (default: the type) */
  name: string;
  /** base URL (prometheus, elasticsearch) */
  url?: string;
  auth?: AuthConfig;
  /** PEM file of a custom CA */
  caFile?: string;
  /** request timeout, e.g. `30s` */
  timeout?: string;
  /** file source: only paths under this directory are read (default: `<dataDir>/files`) */
  root?: string;
}

/** The service configuration after defaults, YAML, environment and flags. */
export interface VigilConfig {
  port: number;
  host: string;
  dataDir: string;
  /**
   * Where jobs, models and results are kept: unset (or `sqlite`) for the embedded SQLite file `<dataDir>/vigil.db`,
   * or a `postgres://user:password@host:5432/db` URL for PostgreSQL, shared by several replicas
   */
  store?: string;
  apiToken: string;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  sources: SourceConfig[];
  scheduler: {
    /** longest backoff after failures, e.g. `15m` */
    maxBackoff: string;
    /** results and forecasts older than this are pruned (at start and hourly), e.g. `7d` (default) */
    retention: string;
    /** most job runs in flight at once (default 4; per replica on PostgreSQL) */
    concurrency?: number;
    /**
     * replicas on PostgreSQL: how often runs lost with a dead replica are taken up by the others, e.g. `10s`
     * (default)
     */
    recovery?: string;
  };
  /** write anomaly records also to Elasticsearch/OpenSearch */
  sink?: { type: 'elasticsearch'; url: string; index: string; auth?: AuthConfig; timeout?: string };
  /**
   * write each job run's results (the `vigil_*` result series) to a Prometheus-compatible TSDB with remote write
   * (Prometheus with `--web.enable-remote-write-receiver`, Mimir, Thanos Receive, VictoriaMetrics); see docs/serve.md
   */
  remoteWrite?: RemoteWriteConfig;
  /** receivers of incidents (see `pkg/config/action.ts` and docs/notifications.md) */
  notifications?: ActionConfigInput['notifications'];
  /** Grafana annotations for incidents */
  annotations?: ActionConfigInput['annotations'];
  /** incident grouping */
  incidents?: ActionConfigInput['incidents'];
  /** scheduled reports */
  reports?: ActionConfigInput['reports'];
  /** an OpenAI-compatible endpoint that rewrites report summaries */
  summaryModel?: ActionConfigInput['summaryModel'];
  /** the blocks above resolved (environment variables expanded, durations in ms); set by `loadConfig` */
  action?: ActionConfig;
  /** log analysis: rule files (`default` is the default pack; watched and reloaded) and a GeoIP database */
  logs?: { rules?: string[]; geoip?: string };
  /**
   * redaction of personal data before storage, notifications, reports and the API: HMAC pseudonyms under `key`
   * (`VIGIL_REDACTION_KEY`), masks without one; `rules` replace the default rules
   */
  redaction?: {
    key?: string;
    rules?: { kind: string; pattern: string; flags?: string; action?: 'hash' | 'mask' }[];
  };
}

/** Remote write of job results (`remoteWrite` in vigil.yaml). */
export interface RemoteWriteConfig {
  /** the receiver's write endpoint, e.g. `http://prometheus:9090/api/v1/write` */
  url: string;
  auth?: AuthConfig;
  /** extra headers sent with every request, e.g. `X-Scope-OrgID` for a Mimir tenant */
  headers?: Record<string, string>;
  /** per-request timeout, e.g. `10s` (default) */
  timeout?: string;
  /** further attempts after a failed request (network error, 5xx, 429), 0-10 (default 2) */
  retries?: number;
  /**
   * oldest sample sent, back from a run's newest point, e.g. `1h` (default: Prometheus refuses samples more than
   * an hour older than its newest unless its out-of-order window is set)
   */
  maxSampleAge?: string;
}

const authSchema = {
  type: 'object',
  required: ['type'],
  oneOf: [
    {
      properties: { type: { const: 'basic' }, username: { type: 'string' }, password: { type: 'string' } },
      required: ['type', 'username', 'password'],
      additionalProperties: false,
    },
    {
      properties: { type: { const: 'bearer' }, token: { type: 'string', minLength: 1 } },
      required: ['type', 'token'],
      additionalProperties: false,
    },
    {
      properties: { type: { const: 'apiKey' }, apiKey: { type: 'string', minLength: 1 } },
      required: ['type', 'apiKey'],
      additionalProperties: false,
    },
  ],
};

const durationPattern = '^([0-9]+(ms|s|m|h|d|w))+$';

/** JSON schema of the config (validated with ajv at start). */
export const CONFIG_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  required: ['port', 'host', 'dataDir', 'apiToken', 'logLevel', 'sources', 'scheduler'],
  properties: {
    port: { type: 'integer', minimum: 0, maximum: 65535 },
    host: { type: 'string', minLength: 1 },
    dataDir: { type: 'string', minLength: 1 },
    store: { type: 'string', pattern: '^(sqlite|postgres(ql)?://.+)$' },
    apiToken: { type: 'string', minLength: 8 },
    logLevel: { enum: ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] },
    sources: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['type', 'name'],
        properties: {
          type: { enum: ['prometheus', 'elasticsearch', 'file'] },
          name: { type: 'string', minLength: 1 },
          url: { type: 'string', pattern: '^https?://' },
          auth: authSchema,
          caFile: { type: 'string' },
          timeout: { type: 'string', pattern: durationPattern },
          root: { type: 'string' },
        },
        if: { properties: { type: { enum: ['prometheus', 'elasticsearch'] } } },
        then: { required: ['url'] },
      },
    },
    scheduler: {
      type: 'object',
      additionalProperties: false,
      required: ['maxBackoff', 'retention'],
      properties: {
        maxBackoff: { type: 'string', pattern: durationPattern },
        retention: { type: 'string', pattern: durationPattern },
        concurrency: { type: 'integer', minimum: 1, maximum: 256 },
        recovery: { type: 'string', pattern: durationPattern },
      },
    },
    ...ACTION_CONFIG_SCHEMA,
    sink: {
      type: 'object',
      additionalProperties: false,
      required: ['type', 'url', 'index'],
      properties: {
        type: { const: 'elasticsearch' },
        url: { type: 'string', pattern: '^https?://' },
        index: { type: 'string', pattern: '^[a-z0-9][a-z0-9._-]*$' },
        auth: authSchema,
        timeout: { type: 'string', pattern: durationPattern },
      },
    },
    remoteWrite: {
      type: 'object',
      additionalProperties: false,
      required: ['url'],
      properties: {
        url: { type: 'string', pattern: '^https?://' },
        auth: authSchema,
        headers: { type: 'object', additionalProperties: { type: 'string' } },
        timeout: { type: 'string', pattern: durationPattern },
        retries: { type: 'integer', minimum: 0, maximum: 10 },
        maxSampleAge: { type: 'string', pattern: durationPattern },
      },
    },
    logs: {
      type: 'object',
      additionalProperties: false,
      properties: {
        rules: { type: 'array', items: { type: 'string', minLength: 1 } },
        geoip: { type: 'string', minLength: 1 },
      },
    },
    redaction: {
      type: 'object',
      additionalProperties: false,
      properties: {
        key: { type: 'string', minLength: 8 },
        rules: {
          type: 'array',
          items: {
            type: 'object',
            additionalProperties: false,
            required: ['kind', 'pattern'],
            properties: {
              kind: { type: 'string', pattern: '^[a-z][a-z0-9_-]*$' },
              pattern: { type: 'string', minLength: 1 },
              flags: { type: 'string' },
              action: { enum: ['hash', 'mask'] },
            },
          },
        },
      },
    },
  },
} as const;

/** A config that cannot be used; the message names the key. */
export class ConfigError extends InputError {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

export interface ConfigInputs {
  /** path of a YAML config file */
  file?: string;
  /** environment (default process.env) */
  env?: Record<string, string | undefined>;
  /** command-line overrides */
  flags?: { port?: number; dataDir?: string };
}

/**
 * Load the config: defaults, then the YAML file, then environment variables (`VIGIL_API_TOKEN`, `VIGIL_PORT`,
 * `VIGIL_HOST`, `VIGIL_DATA_DIR`, `VIGIL_STORE`, `VIGIL_LOG_LEVEL`, `VIGIL_PROMETHEUS_URL` (+ `_USERNAME`/`_PASSWORD` or
 * `_TOKEN`), `VIGIL_ELASTICSEARCH_URL` (+ `_USERNAME`/`_PASSWORD` or `_API_KEY`), `VIGIL_SINK_ELASTICSEARCH_URL`,
 * `VIGIL_REDACTION_KEY`, `VIGIL_REMOTE_WRITE_URL` (+ `_USERNAME`/`_PASSWORD` or `_TOKEN`)),
 * then flags; validated against `CONFIG_SCHEMA`.
 *
 * @throws ConfigError naming the file and key at fault (unreadable file, bad YAML, wrong type, missing token)
 */
export function loadConfig(inputs: ConfigInputs = {}): VigilConfig {
  const env = inputs.env ?? process.env;
  let fromFile: Record<string, unknown> = {};
  if (inputs.file) {
    let text: string;
    try {
      text = readFileSync(inputs.file, 'utf8');
    } catch (err) {
      throw new ConfigError(`config file ${inputs.file} cannot be read: ${(err as Error).message}`);
    }
    let doc: unknown;
    try {
      doc = YAML.parse(text);
    } catch (err) {
      throw new ConfigError(`config file ${inputs.file} is not valid YAML: ${(err as Error).message}`);
    }
    if (doc !== null && doc !== undefined && (typeof doc !== 'object' || Array.isArray(doc))) {
      throw new ConfigError(`config file ${inputs.file}: the top level must be a mapping of keys`);
    }
    fromFile = (doc as Record<string, unknown>) ?? {};
  }
  const where = inputs.file ? `config file ${inputs.file}` : 'config';

  const cfg: Record<string, unknown> = {
    port: 8080,
    host: '0.0.0.0',
    dataDir: '.vigil',
    logLevel: 'info',
    sources: [],
    ...fromFile,
  };
  cfg.scheduler = { maxBackoff: '15m', retention: '7d', ...((fromFile.scheduler as object) ?? {}) };
  if (Array.isArray(cfg.sources)) {
    cfg.sources = (cfg.sources as Record<string, unknown>[]).map((s) =>
      s && typeof s === 'object' && !('name' in s) && typeof s.type === 'string' ? { ...s, name: s.type } : s
    );
  }
  if (cfg.sink && typeof cfg.sink === 'object')
    cfg.sink = { type: 'elasticsearch', index: 'vigil-anomalies', ...cfg.sink };

  if (env.VIGIL_API_TOKEN) cfg.apiToken = env.VIGIL_API_TOKEN;
  if (env.VIGIL_PORT !== undefined && env.VIGIL_PORT !== '') cfg.port = envInt('VIGIL_PORT', env.VIGIL_PORT);
  if (env.VIGIL_HOST) cfg.host = env.VIGIL_HOST;
  if (env.VIGIL_DATA_DIR) cfg.dataDir = env.VIGIL_DATA_DIR;
  if (env.VIGIL_STORE) cfg.store = env.VIGIL_STORE;
  if (env.VIGIL_LOG_LEVEL) cfg.logLevel = env.VIGIL_LOG_LEVEL;
  const sources = Array.isArray(cfg.sources) ? (cfg.sources as Record<string, unknown>[]) : [];
  if (env.VIGIL_PROMETHEUS_URL) {
    sources.push({
      type: 'prometheus',
      name: 'prometheus',
      url: env.VIGIL_PROMETHEUS_URL,
      ...envAuth(env, 'VIGIL_PROMETHEUS', 'TOKEN'),
    });
  }
  if (env.VIGIL_ELASTICSEARCH_URL) {
    sources.push({
      type: 'elasticsearch',
      name: 'elasticsearch',
      url: env.VIGIL_ELASTICSEARCH_URL,
      ...envAuth(env, 'VIGIL_ELASTICSEARCH', 'API_KEY'),
    });
  }
  if (env.VIGIL_REDACTION_KEY) cfg.redaction = { ...((cfg.redaction as object) ?? {}), key: env.VIGIL_REDACTION_KEY };
  if (env.VIGIL_SINK_ELASTICSEARCH_URL) {
    cfg.sink = {
      type: 'elasticsearch',
      index: 'vigil-anomalies',
      ...((cfg.sink as object) ?? {}),
      url: env.VIGIL_SINK_ELASTICSEARCH_URL,
    };
  }
  if (env.VIGIL_REMOTE_WRITE_URL) {
    cfg.remoteWrite = {
      ...((cfg.remoteWrite as object) ?? {}),
      url: env.VIGIL_REMOTE_WRITE_URL,
      ...envAuth(env, 'VIGIL_REMOTE_WRITE', 'TOKEN'),
    };
  }
  if (Array.isArray(cfg.sources) && !sources.some((s) => s?.type === 'file'))
    sources.push({ type: 'file', name: 'file' });
  if (Array.isArray(cfg.sources)) cfg.sources = sources;
  if (inputs.flags?.port !== undefined) cfg.port = inputs.flags.port;
  if (inputs.flags?.dataDir !== undefined) cfg.dataDir = inputs.flags.dataDir;

  if (cfg.apiToken === undefined) {
    throw new ConfigError(
      `apiToken is required: set VIGIL_API_TOKEN or "apiToken" in the ${where} (at least 8 characters)`
    );
  }
  const ajv = new Ajv({ allErrors: false, strict: false });
  const validate = ajv.compile<VigilConfig>(CONFIG_SCHEMA);
  if (!validate(cfg)) throw new ConfigError(`${where}: ${describe(validate.errors?.[0])}`);
  cfg.sources.forEach((s, i) => moveUrlCredentials(s, `sources[${i}]`, where));
  if (cfg.sink) moveUrlCredentials(cfg.sink, 'sink', where);
  if (cfg.remoteWrite) moveUrlCredentials(cfg.remoteWrite, 'remoteWrite', where);
  const names = new Set<string>();
  for (const s of cfg.sources) {
    const key = `${s.type}/${s.name}`;
    if (names.has(key)) throw new ConfigError(`${where}: sources: two ${s.type} sources are named "${s.name}"`);
    names.add(key);
    if (s.caFile) {
      try {
        readFileSync(s.caFile);
      } catch (err) {
        throw new ConfigError(`${where}: sources "${s.name}".caFile: ${(err as Error).message}`);
      }
    }
  }
  cfg.dataDir = path.resolve(cfg.dataDir);
  for (const s of cfg.sources) if (s.type === 'file' && s.root === undefined) s.root = path.join(cfg.dataDir, 'files');
  registerConfigSecrets(cfg);
  try {
    cfg.action = actionConfig(cfg, env);
  } catch (err) {
    if (err instanceof ActionConfigError || err instanceof InputError)
      throw new ConfigError(`${where}: ${err.message}`);
    throw err;
  }
  return cfg;
}

/**
 * Credentials written into a source or sink URL (`http://user:password@host`) move to its `auth` setting, so no
 * message, log line or stored error ever quotes them with the URL. A URL with credentials and an `auth` setting,
 * or with a credential in its query string (`?access_token=...`), is refused with a message naming the key.
 * @throws ConfigError naming `<key>.url`
 */
function moveUrlCredentials(target: { url?: string; auth?: AuthConfig }, key: string, where: string): void {
  if (typeof target.url !== 'string') return;
  let u: URL;
  try {
    u = new URL(target.url);
  } catch {
    throw new ConfigError(`${where}: ${key}.url: is not a valid URL`);
  }
  for (const name of new Set(u.searchParams.keys())) {
    if (isSecretName(name)) {
      throw new ConfigError(
        `${where}: ${key}.url: carries a credential in its query string ("${name}=..."); give it as ${key}.auth ` +
          '(type bearer or apiKey) instead'
      );
    }
  }
  if (!u.username && !u.password) return;
  if (target.auth) {
    throw new ConfigError(
      `${where}: ${key}.url: has a user and password in it and ${key}.auth is set too; keep the credentials in ${key}.auth only`
    );
  }
  target.auth = { type: 'basic', username: decodeURIComponent(u.username), password: decodeURIComponent(u.password) };
  u.username = '';
  u.password = '';
  target.url = u.toString().replace(/\/$/, target.url.endsWith('/') ? '/' : '');
}

/** Every password, token and key of the config is masked wherever it could show (see `scrubSecrets`). */
function registerConfigSecrets(cfg: VigilConfig): void {
  registerSecret(cfg.apiToken);
  const auths = [...cfg.sources.map((s) => s.auth), cfg.sink?.auth, cfg.remoteWrite?.auth];
  // a header such as Authorization or X-Api-Key given by hand is a credential too
  for (const [name, value] of Object.entries(cfg.remoteWrite?.headers ?? {}))
    if (isSecretName(name) || /auth|token|key|secret|password/i.test(name)) registerSecret(value);
  for (const a of auths) {
    if (!a) continue;
    if (a.type === 'basic') {
      registerSecret(a.password);
      registerSecret(Buffer.from(`${a.username}:${a.password}`).toString('base64'));
    } else if (a.type === 'bearer') registerSecret(a.token);
    else registerSecret(a.apiKey);
  }
  if (cfg.store && /^postgres/i.test(cfg.store)) {
    try {
      registerSecret(decodeURIComponent(new URL(cfg.store).password));
    } catch {
      /* an unparsable URL is refused when the store opens */
    }
  }
}

function envInt(name: string, v: string): number {
  if (!/^\d+$/.test(v)) throw new ConfigError(`environment variable ${name}: "${v}" is not a port number`);
  return Number(v);
}

/**
 * A source's credentials from the environment: `<prefix>_USERNAME` (+ `_PASSWORD`) for basic auth, else
 * `<prefix>_TOKEN` (bearer) or `<prefix>_API_KEY` (Elasticsearch API key), as `tokenKind` says; `{}` when none is set.
 * Used by `vigil serve`'s configuration and by `vigil detect` on an index URL.
 */
export function envAuth(
  env: Record<string, string | undefined>,
  prefix: string,
  tokenKind: 'TOKEN' | 'API_KEY'
): { auth?: AuthConfig } {
  const user = env[`${prefix}_USERNAME`];
  const pass = env[`${prefix}_PASSWORD`];
  const token = env[`${prefix}_${tokenKind}`];
  if (user !== undefined) return { auth: { type: 'basic', username: user, password: pass ?? '' } };
  if (token) return { auth: tokenKind === 'TOKEN' ? { type: 'bearer', token } : { type: 'apiKey', apiKey: token } };
  return {};
}

/** "sources[0].url: must match pattern ..." from an ajv error. */
function describe(e: ErrorObject | undefined): string {
  if (!e) return 'invalid';
  const key = e.instancePath
    .split('/')
    .filter(Boolean)
    .map((p, i) => (/^\d+$/.test(p) ? `[${p}]` : i === 0 ? p : `.${p}`))
    .join('');
  if (e.keyword === 'additionalProperties') {
    const extra = (e.params as { additionalProperty: string }).additionalProperty;
    return `${key ? `${key}.` : ''}${extra}: unknown key`;
  }
  if (e.keyword === 'required') {
    const missing = (e.params as { missingProperty: string }).missingProperty;
    return `${key ? `${key}.` : ''}${missing}: is required`;
  }
  if (e.keyword === 'enum') {
    return `${key}: must be one of ${(e.params as { allowedValues: unknown[] }).allowedValues.join(', ')}`;
  }
  if (e.keyword === 'pattern' && /timeout|maxBackoff|retention|maxSampleAge/.test(key))
    return `${key}: must be a duration such as 30s, 5m, 1h`;
  if (e.keyword === 'pattern' && /url/.test(key)) return `${key}: must be an http:// or https:// URL`;
  if (e.keyword === 'pattern' && key === 'store') return 'store: must be "sqlite" or a postgres:// URL';
  if (e.keyword === 'minLength' && key === 'redaction.key') return `${key}: must be at least 8 characters`;
  return `${key || '(top level)'}: ${e.message ?? 'is invalid'}`;
}
