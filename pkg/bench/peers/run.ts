/**
 * `npm run bench`: Vigil against its peers in one run, printed as one table with ratios.
 *
 * Rows are the files in `rows/` (each exports `row: BenchRow`), run in name order; add a row by adding a file.
 * Python peers run from a venv under `.cache/bench-venv` that the bench creates itself on first use.
 *
 * Usage: npm run bench [-- --only isolationForest,ensembleThroughput] [--quick] [--json results.json]
 * The ratio column is Vigil's advantage: peer/Vigil for lower-is-better metrics (time, memory), Vigil/peer for
 * higher-is-better ones (AUC, throughput); above 1 means Vigil is better.
 */

import * as fs from 'node:fs';
import * as path from 'node:path';
import { CACHE_DIR, ensureVenv } from './python';
import type { BenchContext, BenchRow, Measurement } from './types';

function parseArgs(argv: string[]): { only: string[] | null; quick: boolean; json: string | null } {
  const out = { only: null as string[] | null, quick: false, json: null as string | null };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--quick') out.quick = true;
    else if (a === '--only') out.only = (argv[++i] ?? '').split(',').filter(Boolean);
    else if (a.startsWith('--only=')) out.only = a.slice(7).split(',').filter(Boolean);
    else if (a === '--json') out.json = argv[++i] ?? null;
    else if (a === '--help' || a === '-h') {
      process.stdout.write('usage: npm run bench [-- --only row1,row2] [--quick] [--json out.json]\n');
      process.exit(0);
    } else {
      process.stderr.write(`bench: unknown argument "${a}" (try --help)\n`);
      process.exit(2);
    }
  }
  return out;
}

/** Every row in `rows/`, sorted by file name. */
export async function loadRows(): Promise<BenchRow[]> {
  const dir = path.join(__dirname, 'rows');
  const files = fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts') && !f.endsWith('.d.ts'))
    .sort();
  const rows: BenchRow[] = [];
  for (const f of files) {
    const mod = (await import(path.join(dir, f))) as { row?: BenchRow };
    if (!mod.row || typeof mod.row.run !== 'function') throw new Error(`bench: rows/${f} does not export a row`);
    rows.push(mod.row);
  }
  return rows;
}

function fmt(v: number | null, unit: string): string {
  if (v === null || !Number.isFinite(v)) return '-';
  if (unit === 'AUC') return v.toFixed(3);
  const a = Math.abs(v);
  if (a >= 1e6) return `${(v / 1e6).toFixed(2)}M`;
  if (a >= 1000) return v.toFixed(0);
  if (a >= 10) return v.toFixed(1);
  if (a >= 1) return v.toFixed(2);
  return v.toFixed(3);
}

/** Vigil's advantage over a peer (> 1: Vigil better). */
export function ratio(m: Measurement, peer: number | null): number | null {
  if (peer === null || !Number.isFinite(peer) || !(m.vigil > 0) || !(peer > 0)) return null;
  return m.better === 'lower' ? peer / m.vigil : m.vigil / peer;
}

/** Render measurements as a fixed-width table. */
export function formatTable(ms: Measurement[]): string {
  const head = ['row', 'metric', 'Vigil', 'peer', 'peer value', 'ratio', 'note'];
  const lines: string[][] = [];
  for (const m of ms) {
    const metric = `${m.metric} (${m.unit}, ${m.better} is better)`;
    if (m.peers.length === 0) lines.push([m.row, metric, fmt(m.vigil, m.unit), '-', '-', '-', m.note ?? '']);
    for (const p of m.peers) {
      const r = ratio(m, p.value);
      const note = [m.note, p.note].filter(Boolean).join('; ');
      lines.push([
        m.row,
        metric,
        fmt(m.vigil, m.unit),
        p.name,
        fmt(p.value, m.unit),
        r === null ? '-' : `${r.toFixed(2)}x`,
        note,
      ]);
    }
  }
  const widths = head.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i].length)));
  const row = (cells: string[]) => '| ' + cells.map((c, i) => c.padEnd(widths[i])).join(' | ') + ' |';
  return [row(head), '|' + widths.map((w) => '-'.repeat(w + 2)).join('|') + '|', ...lines.map(row)].join('\n');
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const workDir = path.join(CACHE_DIR, 'bench');
  fs.mkdirSync(workDir, { recursive: true });
  const log = (msg: string) => process.stderr.write(`${msg}\n`);
  let py: string | null = null;
  const ctx: BenchContext = {
    quick: args.quick,
    workDir,
    log,
    python: () => (py ??= ensureVenv(log)),
  };
  const rows = (await loadRows()).filter((r) => !args.only || args.only.includes(r.name));
  if (args.only) {
    const known = new Set((await loadRows()).map((r) => r.name));
    const unknown = args.only.filter((n) => !known.has(n));
    if (unknown.length) throw new Error(`bench: unknown row(s) ${unknown.join(', ')}; rows: ${[...known].join(', ')}`);
  }
  const all: Measurement[] = [];
  const failures: string[] = [];
  for (const r of rows) {
    log(`bench: running ${r.name} ...`);
    const t0 = performance.now();
    try {
      const ms = await r.run(ctx);
      all.push(...ms);
      log(`bench: ${r.name} done in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    } catch (e) {
      failures.push(`${r.name}: ${(e as Error).message}`);
      log(`bench: ${r.name} FAILED: ${(e as Error).stack ?? e}`);
    }
  }
  const cpus = (await import('node:os')).cpus();
  process.stdout.write(
    `\nVigil peers benchmark${args.quick ? ' (QUICK sizes: not the reference figures)' : ''} — Node ${process.version}, ` +
      `${cpus.length} x ${cpus[0]?.model ?? 'cpu'}; ratio > 1 means Vigil is better\n\n`
  );
  process.stdout.write(formatTable(all) + '\n');
  if (failures.length) process.stdout.write(`\nrows that failed:\n${failures.map((f) => `- ${f}`).join('\n')}\n`);
  const out = args.json ?? path.join(workDir, 'peers-results.json');
  fs.writeFileSync(
    out,
    JSON.stringify({ quick: args.quick, node: process.version, measurements: all, failures }, null, 2)
  );
  log(`bench: results written to ${path.relative(process.cwd(), out)}`);
  if (failures.length) process.exitCode = 1;
}

if (require.main === module) {
  main().catch((e) => {
    process.stderr.write(`${(e as Error).stack ?? e}\n`);
    process.exit(1);
  });
}
