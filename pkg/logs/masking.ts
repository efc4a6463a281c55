/**
 * Variable masking for log template mining: spans of a message that are certainly variables (timestamps, URLs,
 * paths, host names, UUIDs, IP addresses, hex identifiers, numbers) are replaced by the wildcard `<*>` before the
 * miner compares messages. Masking keeps the punctuation around a value (`blk_-42` -> `blk_<*>`,
 * `10.0.0.1:50010` -> `<*>:<*>`, `0.25` -> `<*>.<*>`), which is how loghub's ground-truth templates are written.
 *
 * Sources: masking before clustering is the preprocessing step of Drain (He, Zhu, Zheng & Lyu, "Drain: An Online
 * Log Parsing Approach with Fixed Depth Tree", ICWS 2017) and of Drain3's masking instructions (logpai/Drain3);
 * the rules here are general (no rule names a system or a product), following the token-type heuristics of
 * ULP (Sedki, Hamou-Lhadj, Ait-Mohamed & Shehab, "An Effective Approach for Parsing Large Log Files", ICSME 2022)
 * and the variable conventions of Khan, Shin, Bianculli & Briand ("Guidelines for Assessing the Accuracy of Log
 * Message Template Identification Techniques", ICSE 2022): a path-like string and a digit run that does not
 * continue a word are values, and so are the delimiter-separated parts of a number (`<*>.<*>`).
 */

import { ParameterError } from '../core/errors';

/** The wildcard that stands for a variable in a template. */
export const WILDCARD = '<*>';

/** One masking rule as written in a config or a saved miner: a regular expression and its replacement. */
export interface MaskingRuleSpec {
  /** short name, for error messages and docs */
  name: string;
  /** JavaScript regular expression source (no slashes); matched globally */
  pattern: string;
  /** regular expression flags besides `g` (e.g. `i`) */
  flags?: string;
  /** replacement text; `$1`... refer to groups; default the wildcard `<*>` */
  replace?: string;
}

/** A compiled masking rule. */
export interface MaskingRule {
  name: string;
  regex: RegExp;
  replace: string;
  /** the spec it was compiled from (kept so a miner's state can be saved) */
  spec: MaskingRuleSpec;
}

const MONTH = '(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*';
const WEEKDAY = '(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)[a-z]*';
const CLOCK = '\\d{1,2}:\\d{2}(?::\\d{2}(?:[.,]\\d+)?)?';

/**
 * The default rules, applied in order:
 *
 * 1. `date`: a calendar date written with a month name, with its weekday, time and year
 *    (`Fri Jun 17 07:07:00 2005`, `Jul  5 04:10:38`): one wildcard (numeric dates fall to `number`).
 * 2. `url`: `scheme://...` keeps its scheme (`hdfs://<*>`).
 * 3. `path`: an absolute path of two or more components (`/var/lib/x/y`), delimited as Khan et al.'s PS rule.
 * 4. `hostname`: a dotted host name ending in a generic or two-letter country domain (`host.example.com`,
 *    `a.b.cuhk.edu.hk`); reversed package names (`com.android.phone`, `org.apache.x`) are left alone.
 * 5. `uuid`, `ipv4`, `ipv6` (five or more colon groups, so clock times stay `<*>:<*>:<*>`).
 * 6. `hex`: `0x...`; `hexId`: six or more hex digits with at least one digit and one letter a-f
 *    (`9f4ef63`, session and request ids); `hexWord`: eight or more hex letters (`ffffffff`).
 * 7. `idSuffix`: the generated tail of an identifier after `name_` (`attempt_1445_0020_m_000004_0` ->
 *    `attempt_<*>`).
 * 8. `number`: a digit run that does not continue a word, with its minus sign (`node-12` -> `node-<*>`,
 *    `blk_-42` -> `blk_<*>`); digits glued to letters stay (`ssh2`, `alt0`, `log4j`).
 */
export const DEFAULT_MASKING_SPECS: readonly MaskingRuleSpec[] = [
  {
    name: 'date',
    pattern: `\\b(?:${WEEKDAY},?\\s+)?${MONTH}\\.?\\s+\\d{1,2},?(?:\\s+\\d{4})?(?:\\s+${CLOCK}(?:\\s+[A-Z]{3,4})?(?:\\s+\\d{4})?)?\\b`,
  },
  { name: 'url', pattern: '\\b([a-zA-Z][a-zA-Z0-9+.-]*:\\/\\/)[^\\s"\'<>()[\\]{},;]+', replace: `$1${WILDCARD}` },
  {
    name: 'path',
    pattern: '(?<=^|[\\s,;=:"\'([{|])(?:\\/[\\w.@+~%-]+){2,}\\/?(?=$|[\\s,;:"\')\\]}|])',
  },
  {
    name: 'hostname',
    pattern:
      '(?<![\\w.-])(?!(?:com|org|net|java|javax|android|sun|io)\\.)(?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?\\.)+' +
      '(?:com|net|org|edu|gov|mil|info|biz|io|local|internal|lan|[a-z]{2}(?<=\\.[a-z0-9-]+\\.[a-z]{2}))(?![\\w.-])',
  },
  {
    name: 'uuid',
    pattern:
      '(?<![0-9a-fA-F])[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}(?![0-9a-fA-F])',
  },
  { name: 'ipv4', pattern: '(?<![0-9.])(?:\\d{1,3}\\.){3}\\d{1,3}(?![0-9]|\\.\\d)' },
  { name: 'ipv6', pattern: '(?<![0-9a-fA-F:])(?:[0-9a-fA-F]{1,4}:){5,7}[0-9a-fA-F]{1,4}(?![0-9a-fA-F:])' },
  { name: 'hex', pattern: '(?<![A-Za-z0-9])0[xX][0-9a-fA-F]+(?![A-Za-z0-9])' },
  {
    name: 'hexId',
    pattern: '(?<![A-Za-z0-9])(?=[0-9a-fA-F]*[0-9])(?=[0-9a-fA-F]*[a-fA-F])[0-9a-fA-F]{6,}(?![A-Za-z0-9])',
  },
  { name: 'hexWord', pattern: '(?<![A-Za-z0-9])(?:[a-f]{8,}|[A-F]{8,})(?![A-Za-z0-9])' },
  { name: 'idSuffix', pattern: '(?<=[A-Za-z]_)-?\\d[\\w-]*' },
  { name: 'number', pattern: '(?<![A-Za-z0-9])-?\\d+' },
];

/**
 * Compile masking rule specs.
 *
 * @param specs rules in order of application
 * @returns compiled rules (global regular expressions)
 * @throws ParameterError naming the rule whose pattern does not compile or whose name is missing
 */
export function compileMaskingRules(specs: readonly MaskingRuleSpec[]): MaskingRule[] {
  if (!Array.isArray(specs)) throw new ParameterError('masking: rules must be a list');
  return specs.map((spec, i) => {
    if (!spec || typeof spec.name !== 'string' || !spec.name) {
      throw new ParameterError(`masking: rule ${i + 1} needs a name`);
    }
    if (typeof spec.pattern !== 'string' || !spec.pattern) {
      throw new ParameterError(`masking: rule "${spec.name}" needs a pattern`);
    }
    let regex: RegExp;
    try {
      regex = new RegExp(spec.pattern, `${(spec.flags ?? '').replace(/g/g, '')}g`);
    } catch (err) {
      throw new ParameterError(`masking: rule "${spec.name}": ${(err as Error).message}`);
    }
    if (regex.test('')) throw new ParameterError(`masking: rule "${spec.name}" matches the empty string`);
    return { name: spec.name, regex, replace: spec.replace ?? WILDCARD, spec };
  });
}

/** The default rules, compiled. */
export const DEFAULT_MASKING: readonly MaskingRule[] = compileMaskingRules(DEFAULT_MASKING_SPECS);

/**
 * Mask a message: apply each rule in order, replacing every match.
 *
 * @param message the free-text part of a log line
 * @param rules compiled rules (default `DEFAULT_MASKING`)
 * @returns the message with variable spans replaced by `<*>`; O(rules x message length)
 * @example maskMessage('Failed password for root from 10.0.0.7 port 22 ssh2')
 *   // 'Failed password for root from <*> port <*> ssh2'
 */
export function maskMessage(message: string, rules: readonly MaskingRule[] = DEFAULT_MASKING): string {
  let out = message;
  for (const r of rules) out = out.replace(r.regex, r.replace);
  return out;
}
