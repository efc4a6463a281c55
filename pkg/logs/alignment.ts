/**
 * Alignment of a message to a template of another length, for variables that span a varying number of tokens
 * (`0 bytes sent` and `1190 bytes (1.16 KB) sent`; `lifetime 00:02` and `lifetime <1 sec`).
 *
 * Method: the longest common subsequence of the two token lists, as Spell aligns a message to its log keys
 * (Du & Li, "Spell: Streaming Parsing of System Event Logs", ICDM 2016), where a constant matches itself and a
 * variable position matches any variable token. Unlike Spell, tokens left out on either side must all be
 * variables (values or identifiers, not `key=value` tokens), so an optional word still makes another template.
 */

import { WILDCARD } from './masking';
import { isVariableType, tokenType } from './tokens';

/** Largest template length x message length the alignment considers (bounds the O(n m) table). */
export const MAX_ALIGNMENT_CELLS = 40_000;

/** A message aligned to a template. */
export interface Alignment {
  /** matched tokens / the longer length, 0-1 */
  similarity: number;
  /** the message's grouping form at each template position (`<*>` where the message has nothing) */
  tokens: string[];
  /** the message's written form at each template position (`<*>` where the message has nothing) */
  raw: string[];
  /** template positions before which the message had extra (variable) tokens; `length` means at the end */
  gaps: number[];
}

const KEYED = /^[A-Za-z_][\w.-]*=/;

/**
 * Align message tokens to template tokens.
 *
 * @param template template tokens (grouping forms, `<*>` for variable positions); not mutated
 * @param tokens message grouping forms; not mutated
 * @param raw message written forms, same length as `tokens`
 * @returns the alignment, or null when a constant would be skipped or the lists are too long to align
 */
export function alignToTemplate(
  template: readonly string[],
  tokens: readonly string[],
  raw: readonly string[]
): Alignment | null {
  const n = template.length;
  const k = tokens.length;
  if (n === 0 || k === 0 || n * k > MAX_ALIGNMENT_CELLS) return null;
  const tVar = template.map(
    (t, i) => t === WILDCARD || isVariableType(tokenType(t, i > 0 ? template[i - 1] : undefined))
  );
  const mVar = tokens.map((t, j) => isVariableType(tokenType(t, j > 0 ? tokens[j - 1] : undefined)));
  const tSkip = template.map((t, i) => tVar[i] && !KEYED.test(t));
  const mSkip = tokens.map((t, j) => mVar[j] && !KEYED.test(t));
  const eq = (i: number, j: number) => template[i] === tokens[j] || (tVar[i] && mVar[j]);
  // dp[i][j]: LCS length of template[i..] and tokens[j..], flattened
  const w = k + 1;
  const dp = new Int32Array((n + 1) * w);
  for (let i = n - 1; i >= 0; i--) {
    for (let j = k - 1; j >= 0; j--) {
      dp[i * w + j] = eq(i, j) ? dp[(i + 1) * w + j + 1] + 1 : Math.max(dp[(i + 1) * w + j], dp[i * w + j + 1]);
    }
  }
  const outTokens = new Array<string>(n).fill(WILDCARD);
  const outRaw = new Array<string>(n).fill(WILDCARD);
  const gaps: number[] = [];
  let i = 0;
  let j = 0;
  let same = 0;
  let pending = false;
  while (i < n && j < k) {
    if (eq(i, j) && dp[i * w + j] === dp[(i + 1) * w + j + 1] + 1) {
      outTokens[i] = tokens[j];
      outRaw[i] = raw[j];
      same++;
      if (pending) gaps.push(i);
      pending = false;
      i++;
      j++;
    } else if (dp[(i + 1) * w + j] >= dp[i * w + j + 1]) {
      if (!tSkip[i]) return null;
      i++;
    } else {
      if (!mSkip[j]) return null;
      pending = true;
      j++;
    }
  }
  for (; i < n; i++) if (!tSkip[i]) return null;
  for (; j < k; j++) {
    if (!mSkip[j]) return null;
    pending = true;
  }
  if (pending) gaps.push(n);
  return { similarity: same / Math.max(n, k), tokens: outTokens, raw: outRaw, gaps };
}
