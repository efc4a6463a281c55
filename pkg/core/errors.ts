import { scrubSecrets } from './scrub';

/**
 * Errors Vigil raises for bad input. Each names what was wrong so a user can fix it without reading code.
 */

/** Where in an input a problem was found. All parts are optional; `line` is 1-based. */
export interface InputLocation {
  file?: string;
  line?: number;
  field?: string;
}

/**
 * Bad input: a malformed file, query, config or series. The message names the file, line and field at
 * fault when known, e.g. `data.csv line 17, field "value": "abc" is not a number`.
 */
export class InputError extends Error {
  readonly location: InputLocation;
  constructor(message: string, location: InputLocation = {}) {
    super(formatLocation(location) + message);
    this.name = 'InputError';
    this.location = location;
  }
}

/** A detector or ensemble parameter out of range, e.g. `zscore: window must be an integer >= 3, got 1`. */
export class ParameterError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ParameterError';
  }
}

/** A source (Prometheus, Elasticsearch, file) that could not be read: down, slow, or answering garbage. */
export class SourceError extends Error {
  readonly source: string;
  readonly status?: number;
  /** The message is scrubbed of credentials and tokens (a source may quote a URL or echo a request). */
  constructor(source: string, message: string, status?: number) {
    super(scrubSecrets(`${source}: ${message}`));
    this.name = 'SourceError';
    this.source = source;
    this.status = status;
  }
}

function formatLocation(loc: InputLocation): string {
  const parts: string[] = [];
  if (loc.file) parts.push(loc.file);
  if (loc.line !== undefined) parts.push(`line ${loc.line}`);
  const where = parts.join(' ');
  if (loc.field !== undefined) return `${where}${where ? ', ' : ''}field "${loc.field}": `;
  return where ? `${where}: ` : '';
}

/**
 * A short quotation of a value for an error message: at most `max` characters (default 40) of its JSON form, and
 * how long it really was when cut, so a huge or binary field never floods a terminal or a log.
 * @example excerpt('x'.repeat(1000)) // '"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"... (1000 characters)'
 */
export function excerpt(value: unknown, max = 40): string {
  const isText = typeof value === 'string';
  const text = isText ? (value as string) : (JSON.stringify(value) ?? String(value));
  const show = (t: string) => (isText ? JSON.stringify(t) : t);
  if (text.length <= max) return show(text);
  return `${show(text.slice(0, max))}... (${text.length} characters)`;
}
