/**
 * Contracts of the peers benchmark (`npm run bench`). Each row lives in `rows/<name>.ts` and exports `row`; the
 * runner (`run.ts`) discovers every file in `rows/`, runs them in name order and prints one table.
 */

/** What a row gets from the runner. */
export interface BenchContext {
  /** smaller sizes for a quick smoke run (`--quick`); the table says so */
  quick: boolean;
  /** creates the Python venv on first call and returns its python path */
  python(): string;
  /** scratch directory for generated data (under `.cache/bench`) */
  workDir: string;
  /** progress messages (stderr) */
  log(msg: string): void;
}

/** A peer's measurement of the same metric; `value` null when it could not be measured (see `note`). */
export interface PeerValue {
  name: string;
  value: number | null;
  note?: string;
}

/** One measured metric of a row: Vigil's value and each peer's. */
export interface Measurement {
  /** row title, e.g. `Isolation Forest (100,000 x 8)` */
  row: string;
  /** e.g. `fit+score time` */
  metric: string;
  /** e.g. `s`, `points/s`, `MiB`, `AUC` */
  unit: string;
  /** which direction is better, for the ratio column */
  better: 'lower' | 'higher';
  vigil: number;
  peers: PeerValue[];
  note?: string;
}

/** A benchmark row: a name (used by `--only`) and the function measuring it. */
export interface BenchRow {
  name: string;
  run(ctx: BenchContext): Promise<Measurement[]>;
}
