import type { NotifyConfig, ReceiverConfig } from './types';

/** A receiver as the API and logs may show it: no URL paths, keys, tokens or header values. */
export interface PublicReceiver {
  name: string;
  type: ReceiverConfig['type'];
  /** scheme, host and port only (Alertmanager: with its path, which holds no secret) */
  endpoint: string;
  jobs?: string[];
  minSeverity?: string;
  rateLimit?: { count: number; windowMs: number } | false;
  /** names of the configured headers, without their values */
  headers?: string[];
  auth?: 'basic' | 'bearer';
  signed?: boolean;
}

/**
 * `https://hooks.slack.com/…` for a URL whose path or query may hold a secret; the full path (without user info
 * and query) when `keepPath`. Unparseable URLs become `(invalid URL)`.
 */
export function redactUrl(url: string, keepPath = false): string {
  try {
    const u = new URL(url);
    const path = keepPath ? u.pathname.replace(/\/+$/, '') : u.pathname === '/' || u.pathname === '' ? '' : '/…';
    return `${u.protocol}//${u.host}${path}`;
  } catch {
    return '(invalid URL)';
  }
}

/** The public view of one receiver. */
export function publicReceiver(r: ReceiverConfig): PublicReceiver {
  const base = {
    name: r.name,
    type: r.type,
    ...(r.jobs ? { jobs: [...r.jobs] } : {}),
    ...(r.minSeverity ? { minSeverity: r.minSeverity } : {}),
    ...(r.rateLimit !== undefined ? { rateLimit: r.rateLimit } : {}),
  };
  switch (r.type) {
    case 'alertmanager':
      return {
        ...base,
        endpoint: redactUrl(r.url, true),
        ...(r.auth ? { auth: 'token' in r.auth ? ('bearer' as const) : ('basic' as const) } : {}),
      };
    case 'webhook':
      return {
        ...base,
        endpoint: redactUrl(r.url),
        ...(r.headers ? { headers: Object.keys(r.headers) } : {}),
        ...(r.signingSecret ? { signed: true } : {}),
      };
    case 'slack':
      return { ...base, endpoint: redactUrl(r.url) };
    case 'pagerduty':
      return { ...base, endpoint: redactUrl(r.url ?? 'https://events.pagerduty.com/v2/enqueue', true) };
  }
}

/** The public view of a notification config. */
export function publicConfig(c: NotifyConfig): { receivers: PublicReceiver[]; grafanaUrl?: string } {
  return {
    receivers: c.receivers.map(publicReceiver),
    ...(c.grafanaUrl ? { grafanaUrl: redactUrl(c.grafanaUrl, true) } : {}),
  };
}

/** Every secret string of a config (URLs of direct receivers, keys, tokens, passwords, header values). */
export function secretsOf(c: NotifyConfig): string[] {
  const out: string[] = [];
  for (const r of c.receivers) {
    if (r.type === 'slack' || r.type === 'webhook') out.push(r.url);
    if (r.type === 'webhook') {
      out.push(...Object.values(r.headers ?? {}));
      if (r.signingSecret) out.push(r.signingSecret);
    }
    if (r.type === 'pagerduty') out.push(r.routingKey);
    if (r.type === 'alertmanager' && r.auth) out.push(...('token' in r.auth ? [r.auth.token] : [r.auth.password]));
  }
  return out.filter((s) => s.length >= 4);
}

/** Replace every secret in `text` by `***` (a last guard on anything logged or returned). */
export function scrub(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const s of secrets) out = out.split(s).join('***');
  return out;
}
