/**
 * The written form of a template position that varies: the parts its values share, around one wildcard
 * (`rhost=1.2.3.4` and `rhost=host.example` -> `rhost=<*>`; `storage3` and `storage5` -> `storage<*>`;
 * `'/udev/sda'` and `'/udev/tty1'` -> `'/udev/<*>'`). A template written this way keeps the constant text a
 * wildcard-per-token template (Drain's) would lose, as loghub's ground truth does.
 */

import { WILDCARD } from './masking';

/** Split a token into wildcards, letter runs, digit runs and single other characters. */
export function shapeSegments(token: string): string[] {
  return token.match(/<\*>|[A-Za-z]+|[0-9]+|[^A-Za-z0-9]/g) ?? [];
}

/**
 * Generalise two values of one template position: their common leading and trailing segments (whole letter or
 * digit runs, wildcards, single punctuation characters) around one wildcard; adjacent wildcards merge.
 *
 * @returns `a` when the values are equal; otherwise a string with at least one wildcard; O(|a| + |b|)
 * @example generalizeShape('user=root', 'user=admin') // 'user=<*>'
 * @example generalizeShape('webmaster', 'webadmin') // '<*>' (no partial words)
 */
export function generalizeShape(a: string, b: string): string {
  if (a === b) return a;
  const x = shapeSegments(a);
  const y = shapeSegments(b);
  let p = 0;
  while (p < x.length && p < y.length && x[p] === y[p]) p++;
  let q = 0;
  while (q < x.length - p && q < y.length - p && x[x.length - 1 - q] === y[y.length - 1 - q]) q++;
  const out = [...x.slice(0, p), WILDCARD, ...x.slice(x.length - q)].join('');
  return out.replace(/(?:<\*>){2,}/g, WILDCARD);
}
