/**
 * Secrets never leave the engine: `scrubSecrets` masks credentials and tokens in any text before it is shown,
 * logged or stored (API errors, `lastRun.error`, `/api/health`, log lines, CLI messages).
 *
 * What is masked (each replaced by `***`):
 * - the password of a URL's user info (`http://user:pass@host` -> `http://user:***@host`);
 * - query-string parameters that carry credentials (`token`, `access_token`, `api_key`, `password`,
 *   `X-Amz-Signature`, ... see `SECRET_PARAMS`), in URLs and in form-encoded text;
 * - `Authorization`-style values: `Bearer <token>`, `Basic <base64>`, `ApiKey <key>`;
 * - JSON or YAML-ish `"password": "..."`, `token: ...` pairs whose key names a secret;
 * - every secret registered with `registerSecret` (the configured passwords, tokens and API keys), wherever it
 *   appears, e.g. echoed back by a server in an error body.
 */

/** Query-string and field names whose values are credentials (compared case-insensitively, `-` = `_`). */
export const SECRET_PARAMS = [
  'token',
  'access_token',
  'refresh_token',
  'id_token',
  'auth',
  'auth_token',
  'authorization',
  'api_key',
  'apikey',
  'api_token',
  'key',
  'secret',
  'client_secret',
  'password',
  'passwd',
  'pwd',
  'pass',
  'signature',
  'sig',
  'x_amz_signature',
  'x_amz_security_token',
  'x_goog_signature',
  'session',
  'sessionid',
  'session_token',
  'jwt',
  'private_token',
  'sas',
];

const SECRET_NAME = new RegExp(`^(?:${SECRET_PARAMS.map((p) => p.replace(/_/g, '[_-]?')).join('|')})$`, 'i');

/** Whether a parameter or field name is one whose value is a credential. */
export function isSecretName(name: string): boolean {
  return SECRET_NAME.test(name.trim());
}

const known = new Set<string>();

/**
 * Remember a secret (a configured password, token or API key) so it is masked wherever it shows up. Values
 * shorter than 4 characters are ignored (they would mask ordinary text).
 */
export function registerSecret(value: string | undefined | null): void {
  if (typeof value !== 'string') return;
  const v = value.trim();
  if (v.length >= 4) known.add(v);
  // the same secret base64-encoded in a Basic header, or URL-encoded in a query string
  if (v.length >= 4 && encodeURIComponent(v) !== v) known.add(encodeURIComponent(v));
}

/** Forget every registered secret (tests). */
export function clearRegisteredSecrets(): void {
  known.clear();
}

const MASK = '***';

/**
 * `text` with every credential and token masked (see the module comment). Idempotent; never throws.
 * @example scrubSecrets('GET http://u:p4ss@h/api?token=abc&x=1') // 'GET http://u:***@h/api?token=***&x=1'
 */
export function scrubSecrets(text: string): string {
  if (typeof text !== 'string' || text === '') return text;
  let out = text;
  // registered secrets first, longest first (a token may contain a shorter one)
  if (known.size > 0) {
    for (const s of [...known].sort((a, b) => b.length - a.length)) {
      if (out.includes(s)) out = out.split(s).join(MASK);
    }
  }
  // user:password@ in URLs (any scheme)
  out = out.replace(
    /([a-z][a-z0-9+.-]*:\/\/)([^\s/@:]*):([^\s/@]*)@/gi,
    (_m, scheme: string, user: string) => `${scheme}${user}:${MASK}@`
  );
  // name=value pairs of secret names (query strings, form bodies, cookies)
  out = out.replace(/([?&;\s]|^)([A-Za-z][\w.-]*)=([^&\s;#"'<>]*)/g, (m, lead: string, name: string, value: string) =>
    isSecretName(name) && value !== MASK && value !== '' ? `${lead}${name}=${MASK}` : m
  );
  // Authorization-style values (a credential, not a word: "Basic authentication" stays)
  out = out.replace(
    /\b(Bearer|Basic|ApiKey)(\s+)([A-Za-z0-9._~+/=-]{4,})/g,
    (m, kind: string, sp: string, v: string) => (/[0-9+/=._~-]|[a-z][A-Z]|^[A-Z]/.test(v) ? `${kind}${sp}${MASK}` : m)
  );
  // "password": "x" / password: x / 'token' => 'x'
  out = out.replace(
    /(["']?)([A-Za-z][\w-]*)\1(\s*[:=]>?\s*)(["'])((?:\\.|(?!\4).)*)\4/g,
    (m, q: string, name: string, sep: string, vq: string, value: string) =>
      isSecretName(name) && value !== MASK && value !== '' ? `${q}${name}${q}${sep}${vq}${MASK}${vq}` : m
  );
  out = out.replace(
    /(^|[\s{,])([A-Za-z][\w-]*)(:[ \t]+)([^\s"',}]+)/g,
    (m, lead: string, name: string, sep: string, value: string) =>
      isSecretName(name) && value !== MASK && !/^(Bearer|Basic|ApiKey)$/.test(value) ? `${lead}${name}${sep}${MASK}` : m
  );
  return out;
}

/** An error's message, scrubbed (`String(err)` for what is not an Error). */
export function scrubbedMessage(err: unknown): string {
  return scrubSecrets(err instanceof Error ? err.message : String(err));
}
