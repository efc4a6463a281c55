/**
 * Reader of a loghub-style corpus (Zhu, He, He, Liu & Lyu, "Loghub: A Large Collection of System Log Datasets
 * for AI-driven Log Analytics", ISSRE 2023; https://github.com/logpai/loghub): one folder per system `<S>/`
 * holding `<S>_2k.log_structured.csv`, whose rows carry the message (`Content`) and its ground-truth template
 * (`EventTemplate`, variables written `<*>`), and for BGL an alert label (`Label`, `-` for a normal line).
 */

import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse } from 'csv-parse/sync';
import { InputError } from '../../core/errors';

/** One system of the corpus. */
export interface LoghubSystem {
  name: string;
  /** the structured CSV */
  file: string;
}

/** The rows of a structured CSV, by column. */
export interface LoghubRows {
  /** the free-text message of each line */
  content: string[];
  /** the ground-truth template of each line */
  template: string[];
  /** every column of each row, as read */
  rows: Record<string, string>[];
}

/**
 * The systems of a corpus folder: every sub-folder with a `*_structured.csv` (preferring
 * `<S>_2k.log_structured.csv`), sorted by name.
 *
 * @throws InputError when the folder does not exist or holds no system
 */
export function listLoghubSystems(dir: string): LoghubSystem[] {
  if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) throw new InputError(`${dir}: no such directory`);
  const systems: LoghubSystem[] = [];
  for (const name of fs.readdirSync(dir).sort()) {
    const sub = path.join(dir, name);
    if (!fs.statSync(sub).isDirectory()) continue;
    const preferred = path.join(sub, `${name}_2k.log_structured.csv`);
    const file = fs.existsSync(preferred)
      ? preferred
      : fs
          .readdirSync(sub)
          .filter((f) => f.endsWith('_structured.csv'))
          .sort()
          .map((f) => path.join(sub, f))[0];
    if (file) systems.push({ name, file });
  }
  if (systems.length === 0) {
    throw new InputError(`${dir}: no system folders with a <S>_2k.log_structured.csv (a loghub-style corpus)`);
  }
  return systems;
}

/**
 * Read a structured CSV.
 *
 * @param file `<S>_2k.log_structured.csv`
 * @param required columns besides `Content` and `EventTemplate` that must be present (e.g. `Label`)
 * @throws InputError naming the file when it is not CSV or lacks a required column
 */
export function readLoghubStructured(file: string, required: string[] = []): LoghubRows {
  let rows: Record<string, string>[];
  try {
    rows = parse(fs.readFileSync(file), { columns: true, skip_empty_lines: true, relax_column_count: false });
  } catch (err) {
    throw new InputError(`not a structured loghub CSV: ${(err as Error).message}`, { file });
  }
  for (const column of ['Content', 'EventTemplate', ...required]) {
    if (rows.length > 0 && !(column in rows[0])) throw new InputError(`missing column "${column}"`, { file });
  }
  return { content: rows.map((r) => r.Content), template: rows.map((r) => r.EventTemplate), rows };
}
