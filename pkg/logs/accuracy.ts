/**
 * Accuracy of a log parser against ground-truth templates, as the log-parsing benchmarks define it.
 *
 * - Grouping accuracy (GA; Zhu, He, Liu, He, Xie, Zheng & Lyu, "Tools and Benchmarks for Automated Log
 *   Parsing", ICSE-SEIP 2019): the share of messages whose predicted group holds exactly the messages of their
 *   ground-truth group.
 * - Parsing accuracy (PA; Khan, Shin, Bianculli & Briand, ICSE 2022; loghub-2.0, Jiang et al., ISSTA 2024): the
 *   share of messages whose predicted template equals the ground-truth template. Both are compared with runs of
 *   whitespace written as one space, since the ground truth itself is not consistent about repeated spaces.
 */

import { InputError } from '../core/errors';

function checkLengths(what: string, truth: readonly string[], predicted: readonly string[]): void {
  if (truth.length !== predicted.length) {
    throw new InputError(`${what}: ${truth.length} ground-truth labels but ${predicted.length} predictions`);
  }
}

/**
 * Grouping accuracy.
 *
 * @param truth ground-truth group of each message (e.g. its template or event id)
 * @param predicted predicted group of each message (e.g. a template id)
 * @returns 0-1 (1 for no messages); O(n)
 * @throws InputError when the arrays differ in length
 * @example groupingAccuracy(['a', 'a', 'b'], ['x', 'x', 'x']) // 0 (both groups are mixed)
 */
export function groupingAccuracy(truth: readonly string[], predicted: readonly string[]): number {
  checkLengths('grouping accuracy', truth, predicted);
  if (truth.length === 0) return 1;
  const predictedSize = new Map<string, number>();
  for (const p of predicted) predictedSize.set(p, (predictedSize.get(p) ?? 0) + 1);
  const groups = new Map<string, { size: number; predicted: string; pure: boolean }>();
  truth.forEach((t, i) => {
    const g = groups.get(t);
    if (!g) groups.set(t, { size: 1, predicted: predicted[i], pure: true });
    else {
      g.size++;
      if (g.predicted !== predicted[i]) g.pure = false;
    }
  });
  let correct = 0;
  for (const g of groups.values()) if (g.pure && predictedSize.get(g.predicted) === g.size) correct += g.size;
  return correct / truth.length;
}

/** Write runs of whitespace as one space and trim, the form templates are compared in. */
export function normalizeTemplate(template: string): string {
  return template.trim().replace(/\s+/g, ' ');
}

/**
 * Parsing accuracy.
 *
 * @param truth ground-truth template of each message, variables written `<*>`
 * @param predicted predicted template of each message, variables written `<*>`
 * @returns 0-1 (1 for no messages); O(total text length)
 * @throws InputError when the arrays differ in length
 */
export function parsingAccuracy(truth: readonly string[], predicted: readonly string[]): number {
  checkLengths('parsing accuracy', truth, predicted);
  if (truth.length === 0) return 1;
  let correct = 0;
  truth.forEach((t, i) => {
    if (normalizeTemplate(t) === normalizeTemplate(predicted[i])) correct++;
  });
  return correct / truth.length;
}
