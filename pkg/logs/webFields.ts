/**
 * The fields of a web request, whatever the log calls them: structured documents name them in many ways
 * (`clientip`, `remote_addr`, `source.ip`; `response`, `status`, `http.response.status_code`; ...), and a raw
 * access-log line holds them in the Common or Combined Log Format (Apache httpd `mod_log_config`:
 * `%h %l %u %t "%r" %>s %b "%{Referer}i" "%{User-agent}i"`, which nginx's default `combined` format follows).
 * Rules and enrichment read `client`, `method`, `path`, `status`, `bytes`, `referer` and `agent` from here.
 */

/** The request fields of a line (absent when the line does not say). */
export interface WebFields {
  client?: string;
  method?: string;
  path?: string;
  status?: number;
  bytes?: number;
  referer?: string;
  agent?: string;
}

/** Field names tried for each request field, in order (dotted names read nested objects). */
export const WEB_FIELD_ALIASES: Readonly<Record<keyof WebFields, readonly string[]>> = {
  client: ['clientip', 'client_ip', 'client', 'remote_addr', 'remote_ip', 'client.ip', 'source.ip', 'c-ip', 'ip'],
  method: ['method', 'http.request.method', 'verb', 'cs-method'],
  path: ['request', 'path', 'url.path', 'uri', 'cs-uri-stem', 'url'],
  status: ['response', 'status', 'status_code', 'http.response.status_code', 'sc-status'],
  bytes: ['bytes', 'body_bytes_sent', 'http.response.body.bytes', 'sc-bytes'],
  referer: ['referer', 'referrer', 'http.request.referrer'],
  agent: ['agent', 'user_agent', 'useragent', 'http.user_agent', 'user_agent.original'],
};

/** Common / Combined Log Format: host ident user [time] "request" status bytes ["referer" "agent"]. */
const CLF =
  /^(\S+) \S+ \S+ \[[^\]]+\] "(?:(\S+) (\S+)(?: HTTP\/[\d.]+)?|[^"]*)" (\d{3}) (\d+|-)(?: "((?:[^"\\]|\\.)*)" "((?:[^"\\]|\\.)*)")?/;

function lookup(fields: Record<string, unknown>, name: string): unknown {
  if (name in fields) return fields[name];
  let cur: unknown = fields;
  for (const part of name.split('.')) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[part];
  }
  return cur;
}

function text(v: unknown): string | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'object') return undefined;
  const s = String(v);
  return s === '' || s === '-' ? undefined : s;
}

function integer(v: unknown): number | undefined {
  const s = text(v);
  if (s === undefined) return undefined;
  const n = Number(s);
  return Number.isFinite(n) ? n : undefined;
}

/**
 * The request fields of a line: from its structured fields when present, else parsed from the message as a
 * Common/Combined Log Format line.
 *
 * @param fields the line's fields (header fields or NDJSON document)
 * @param message the line's message
 */
export function webFields(fields: Record<string, unknown>, message: string): WebFields {
  const out: WebFields = {};
  for (const [key, names] of Object.entries(WEB_FIELD_ALIASES) as [keyof WebFields, readonly string[]][]) {
    for (const name of names) {
      const v = lookup(fields, name);
      const value = key === 'status' || key === 'bytes' ? integer(v) : text(v);
      if (value !== undefined) {
        (out as Record<string, unknown>)[key] = value;
        break;
      }
    }
  }
  if (out.client !== undefined && out.status !== undefined) return out;
  const m = CLF.exec(message);
  if (!m) return out;
  out.client ??= m[1];
  out.method ??= m[2];
  out.path ??= m[3];
  out.status ??= Number(m[4]);
  if (out.bytes === undefined && m[5] !== '-') out.bytes = Number(m[5]);
  out.referer ??= text(m[6]);
  out.agent ??= text(m[7]);
  return out;
}
