/**
 * Redaction of personal data in what Vigil stores and shows: client addresses, e-mail addresses, user names and
 * secrets in log text are replaced, before results reach the store, notifications, reports or the API.
 *
 * Two ways, by rule:
 * - `hash`: a keyed pseudonym, the first 12 hex digits of HMAC-SHA256(key, kind + ":" + value) (RFC 2104), written
 *   `<kind>-<digits>` (`ip-3f9a1c2b7d40`). The same value always maps to the same pseudonym under one key, so events
 *   about one client still line up, and without the key the value cannot be recovered by trying every address
 *   (which an unkeyed hash of an IPv4 address allows).
 * - `mask`: a fixed placeholder (`<ip>`).
 * Without a key every rule masks.
 *
 * The default rules cover IPv4 and IPv6 addresses, e-mail addresses, user names where log text names them
 * (`user=`, `logname=`, `ruser=`, `for [invalid user] X from`, `Invalid user X`, `session opened for user X`) and
 * secrets (`password=`, `token=`, `api_key=`, `Authorization: Bearer ...`, JSON Web Tokens). Rules are
 * configurable: each is a regular expression whose match, or whose group named `value`, is replaced.
 */

import { createHmac } from 'node:crypto';
import { ParameterError } from '../core/errors';

/** One redaction rule as configured. */
export interface RedactionRuleSpec {
  /** the kind of data, used in pseudonyms and masks (`ip`, `email`, `user`, `secret`) */
  kind: string;
  /** regular expression; the match is replaced, or only its group named `value` when it has one */
  pattern: string;
  flags?: string;
  /** `hash` (default when a key is set) or `mask` */
  action?: 'hash' | 'mask';
}

/** Redaction settings. */
export interface RedactionOptions {
  /** HMAC key; without one every rule masks */
  key?: string;
  /** rules (default `DEFAULT_REDACTION_RULES`) */
  rules?: RedactionRuleSpec[];
}

/** The default rules, in order. */
export const DEFAULT_REDACTION_RULES: readonly RedactionRuleSpec[] = [
  { kind: 'secret', pattern: '\\beyJ[A-Za-z0-9_-]{8,}\\.[A-Za-z0-9_-]{8,}\\.[A-Za-z0-9_-]{8,}', action: 'mask' },
  { kind: 'secret', pattern: '\\b(?:Bearer|Basic)\\s+(?<value>[A-Za-z0-9._~+/=-]{8,})', action: 'mask' },
  {
    kind: 'secret',
    pattern:
      '\\b(?:password|passwd|pwd|secret|token|api[_-]?key|access[_-]?key|session[_-]?id)=(?<value>[^\\s&;,"\']+)',
    flags: 'i',
    action: 'mask',
  },
  { kind: 'email', pattern: '\\b[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\\.[A-Za-z]{2,}\\b' },
  {
    kind: 'ip',
    pattern:
      '(?<![0-9A-Za-z.:])(?:(?:[0-9A-Fa-f]{1,4}:){7}[0-9A-Fa-f]{1,4}|(?:[0-9A-Fa-f]{1,4}:){1,7}:|(?:[0-9A-Fa-f]{1,4}:){1,6}:[0-9A-Fa-f]{1,4}|::(?:[0-9A-Fa-f]{1,4}:){0,5}[0-9A-Fa-f]{1,4})(?![0-9A-Za-z:])',
  },
  {
    kind: 'ip',
    pattern: '(?<![0-9.])(?:25[0-5]|2[0-4]\\d|1?\\d?\\d)(?:\\.(?:25[0-5]|2[0-4]\\d|1?\\d?\\d)){3}(?![0-9]|\\.\\d)',
  },
  { kind: 'user', pattern: '\\b(?:user|logname|ruser|username|login)=(?<value>[^\\s;,&"\']+)', flags: 'i' },
  { kind: 'user', pattern: '\\bfor (?:invalid user )?(?<value>\\S+) from\\b' },
  { kind: 'user', pattern: '\\b[Ii]nvalid user (?<value>\\S+)' },
  { kind: 'user', pattern: '\\bsession (?:opened|closed) for user (?<value>\\S+)' },
];

interface CompiledRule {
  kind: string;
  regex: RegExp;
  hash: boolean;
}

/** Redacts strings, and every string inside a value. */
export class Redactor {
  private readonly rules: CompiledRule[];
  private readonly key: string | undefined;
  private readonly cache = new Map<string, string>();

  /** @throws ParameterError naming a rule whose pattern does not compile or whose action is unknown */
  constructor(options: RedactionOptions = {}) {
    if (options.key !== undefined && options.key.length < 8) {
      throw new ParameterError('redaction: the key must be at least 8 characters');
    }
    this.key = options.key;
    this.rules = (options.rules ?? DEFAULT_REDACTION_RULES).map((r, i) => {
      if (!r || typeof r.kind !== 'string' || !/^[a-z][a-z0-9_-]*$/.test(r.kind)) {
        throw new ParameterError(`redaction rule ${i + 1}: kind must be a lower-case word`);
      }
      if (r.action !== undefined && r.action !== 'hash' && r.action !== 'mask') {
        throw new ParameterError(`redaction rule ${i + 1} (${r.kind}): action must be hash or mask`);
      }
      let regex: RegExp;
      try {
        regex = new RegExp(r.pattern, `${(r.flags ?? '').replace(/g/g, '')}g`);
      } catch (err) {
        throw new ParameterError(`redaction rule ${i + 1} (${r.kind}): ${(err as Error).message}`);
      }
      return { kind: r.kind, regex, hash: (r.action ?? 'hash') === 'hash' && this.key !== undefined };
    });
  }

  /** The pseudonym (or mask) of one value of a kind. */
  pseudonym(kind: string, value: string, hash = this.key !== undefined): string {
    if (!hash || this.key === undefined) return `<${kind}>`;
    const id = `${kind}:${value}`;
    let p = this.cache.get(id);
    if (p === undefined) {
      p = `${kind}-${createHmac('sha256', this.key).update(id).digest('hex').slice(0, 12)}`;
      if (this.cache.size > 100_000) this.cache.clear();
      this.cache.set(id, p);
    }
    return p;
  }

  /** Redact a text. */
  text(s: string): string {
    let out = s;
    for (const r of this.rules) {
      out = out.replace(r.regex, (...args: unknown[]) => {
        const match = args[0] as string;
        const last = args[args.length - 1];
        const groups =
          typeof last === 'object' && last !== null ? (last as Record<string, string | undefined>) : undefined;
        const value = groups?.value;
        if (value === undefined) return this.pseudonym(r.kind, match, r.hash);
        const at = match.lastIndexOf(value);
        return match.slice(0, at) + this.pseudonym(r.kind, value, r.hash) + match.slice(at + value.length);
      });
    }
    return out;
  }

  /**
   * A copy of a value with every string redacted (object keys and non-strings are kept; typed arrays and
   * class instances other than plain objects and arrays are returned as they are).
   */
  deep<T>(value: T): T {
    if (typeof value === 'string') return this.text(value) as T;
    if (Array.isArray(value)) return value.map((v) => this.deep(v)) as T;
    if (value !== null && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(value as Record<string, unknown>)) out[k] = this.deep(v);
      return out as T;
    }
    return value;
  }
}
