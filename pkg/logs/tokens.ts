/**
 * Tokens of a masked log message and their types, for the template miner.
 *
 * A message is split on whitespace (the separators are kept so a template can be written back as the message
 * was). Each token has a grouping form (digits glued to letters also masked, so `eth0` and `eth1` compare equal
 * while `eth0` is still written as itself when it never varies) and a type that says how a position holding it
 * may vary:
 *
 * - `value`: a pure variable, no letters once wildcards are removed (`<*>`, `<*>.<*>`, `(<*>)`), or a size or
 *   time unit right after one (`<*> KB`);
 * - `identifier`: a dotted or slashed name (`com.example.Foo`, `a/b`), or a name glued to a generated suffix
 *   (`rdd_<*>`, `node-<*>`): variable when it varies;
 * - `shape`: letters with a value inside (`uid=<*>`, `eth<*>`): a constant that a few values may split;
 * - `word`: anything else.
 *
 * The typing follows the token-type heuristics of ULP (Sedki et al., ICSME 2022) and Drain3's
 * `parametrize_numeric_tokens` (a token with digits is a parameter candidate), refined so that key=value and
 * device-like tokens can still distinguish templates.
 */

import { WILDCARD, maskMessage, type MaskingRule } from './masking';

/** How a token may vary (see the module docs). */
export type TokenType = 'value' | 'identifier' | 'shape' | 'word';

/** A message prepared for the miner. All three arrays have one entry per token. */
export interface PreparedMessage {
  /** grouping forms: the masked token with digit runs glued to letters also masked */
  tokens: string[];
  /** the masked tokens as written (what a template shows while a position never varies) */
  raw: string[];
  /** whitespace before each token ('' for the first) */
  seps: string[];
}

const DIGIT = /\d/;
const LETTER = /[A-Za-z]/;
const ALL_WILDCARDS = /<\*>/g;
const DOTTED = /\w[./\\]\w|^[/\\]\w|^\w+:[/\\]/;
const GLUED = /[A-Za-z0-9][_-]<\*>/;
const EDGE_PUNCTUATION = /^[^\w<]+|[^\w>]+$/g;
const GLUED_DIGITS = /(?<=[A-Za-z])\d+/g;
/** size and time units that follow a number and vary with it (`12.5 KB`, `3 ms`) */
const UNITS = new Set([
  'B',
  'KB',
  'MB',
  'GB',
  'TB',
  'PB',
  'KiB',
  'MiB',
  'GiB',
  'TiB',
  'bytes',
  'ns',
  'us',
  'ms',
  's',
  'sec',
  'secs',
  'min',
  'mins',
  'h',
]);

/**
 * Split text on whitespace, keeping the whitespace before each token.
 *
 * @returns tokens and separators (`seps[0]` is always '')
 */
export function splitTokens(text: string): { tokens: string[]; seps: string[] } {
  const tokens: string[] = [];
  const seps: string[] = [];
  const re = /(\s*)(\S+)/g;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    seps.push(tokens.length === 0 ? '' : m[1]);
    tokens.push(m[2]);
  }
  return { tokens, seps };
}

/**
 * The type of a (masked) token.
 *
 * @param token a masked token
 * @param previous the token before it (units count as values only after a value)
 */
export function tokenType(token: string, previous?: string): TokenType {
  if (token === WILDCARD) return 'value';
  const hasValue = token.includes(WILDCARD) || DIGIT.test(token);
  if (hasValue && !LETTER.test(token.replace(ALL_WILDCARDS, ''))) return 'value';
  const core = token.replace(EDGE_PUNCTUATION, '');
  if (previous !== undefined && UNITS.has(core) && tokenType(previous) === 'value') return 'value';
  if (DOTTED.test(core.replace(ALL_WILDCARDS, '0')) || GLUED.test(token)) return 'identifier';
  return hasValue ? 'shape' : 'word';
}

/** True for the types a variable-length run may consist of. */
export function isVariableType(type: TokenType): boolean {
  return type === 'value' || type === 'identifier';
}

/**
 * Prepare a message: mask it, split it, compute grouping forms, and write a run of the same identifier-like
 * token (`blk_<*> blk_<*> blk_<*>`) once, since lists of ids vary in length.
 *
 * @param message the free-text part of a log line
 * @param rules masking rules
 */
export function prepareMessage(message: string, rules: readonly MaskingRule[]): PreparedMessage {
  const split = splitTokens(maskMessage(message, rules));
  const tokens: string[] = [];
  const raw: string[] = [];
  const seps: string[] = [];
  let previous = '';
  split.tokens.forEach((t, i) => {
    const form = t.replace(GLUED_DIGITS, WILDCARD);
    const repeatedId =
      i > 0 && form === previous && form.includes(WILDCARD) && LETTER.test(form.replace(ALL_WILDCARDS, ''));
    previous = form;
    if (repeatedId) return;
    tokens.push(form);
    raw.push(t);
    seps.push(split.seps[i]);
  });
  return { tokens, raw, seps };
}
