/**
 * Rule files on disk: the default pack (`rules/default.yaml` beside this file), YAML files and folders of them,
 * and hot reload: files are watched and re-read when they change; a change that does not parse leaves the rules
 * in force and is reported.
 */

import * as fs from 'node:fs';
import * as path from 'node:path';
import { InputError } from '../core/errors';
import { parseRules, type Rule } from './rules';

/** The default pack's file. */
export const DEFAULT_RULES_FILE = path.join(__dirname, 'rules', 'default.yaml');

/** The word that stands for the default pack in a list of rule sources. */
export const DEFAULT_RULES = 'default';

/** The YAML files a source names: `default`, a file, or a folder (its `*.yaml`/`*.yml`, sorted). */
export function ruleFilesOf(source: string): string[] {
  if (source === DEFAULT_RULES) return [DEFAULT_RULES_FILE];
  let stat: fs.Stats;
  try {
    stat = fs.statSync(source);
  } catch {
    throw new InputError('rule file not found', { file: source });
  }
  if (!stat.isDirectory()) return [source];
  return fs
    .readdirSync(source)
    .filter((f) => /\.ya?ml$/i.test(f))
    .sort()
    .map((f) => path.join(source, f));
}

/**
 * Read and compile the rules of several sources (`default`, files, folders).
 *
 * @throws InputError naming the file, and the rule and setting at fault; a rule name used twice across files
 */
export function loadRules(sources: readonly string[]): Rule[] {
  const rules: Rule[] = [];
  const seen = new Map<string, string>();
  for (const source of sources) {
    for (const file of ruleFilesOf(source)) {
      let text: string;
      try {
        text = fs.readFileSync(file, 'utf8');
      } catch (err) {
        throw new InputError(`cannot read: ${(err as Error).message}`, { file });
      }
      for (const r of parseRules(text, path.basename(file))) {
        const other = seen.get(r.name);
        if (other) throw new InputError(`rule "${r.name}" is also defined in ${other}`, { file: path.basename(file) });
        seen.set(r.name, path.basename(file));
        rules.push(r);
      }
    }
  }
  return rules;
}

/** A running watch (`watchRules`). */
export interface RuleWatch {
  /** the rules in force */
  readonly rules: Rule[];
  close(): void;
}

/**
 * Load rules and reload them when a file changes (debounced); a reload that fails keeps the rules in force.
 *
 * @param sources `default`, files and folders
 * @param onChange called with the new rules after each successful reload
 * @param onError called with the error of a reload that failed
 * @param debounceMs wait after the last change before reloading (default 200)
 * @throws InputError when the first load fails
 */
export function watchRules(
  sources: readonly string[],
  onChange: (rules: Rule[]) => void,
  onError: (err: Error) => void,
  debounceMs = 200
): RuleWatch {
  let rules = loadRules(sources);
  let timer: NodeJS.Timeout | undefined;
  const reload = () => {
    timer = undefined;
    try {
      rules = loadRules(sources);
      onChange(rules);
    } catch (err) {
      onError(err as Error);
    }
  };
  const schedule = () => {
    if (timer) clearTimeout(timer);
    timer = setTimeout(reload, debounceMs);
  };
  const watchers: fs.FSWatcher[] = [];
  for (const source of sources) {
    const target = source === DEFAULT_RULES ? DEFAULT_RULES_FILE : source;
    // watch the folder holding a file too: editors replace files by renaming, which ends a watch on the file
    const dir = fs.statSync(target).isDirectory() ? target : path.dirname(target);
    const base = target === dir ? undefined : path.basename(target);
    watchers.push(
      fs.watch(dir, (_event, name) => {
        if (base === undefined ? /\.ya?ml$/i.test(String(name ?? '')) : name === null || String(name) === base)
          schedule();
      })
    );
  }
  return {
    get rules() {
      return rules;
    },
    close() {
      if (timer) clearTimeout(timer);
      for (const w of watchers) w.close();
    },
  };
}
