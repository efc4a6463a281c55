/**
 * `npm run bench:nab`: the NAB scoreboard. Runs Vigil's default detection (the same pipeline and ensemble as
 * `vigil detect`, a job and a panel) over the shared NAB subset and scores it with the NAB v1.1 scorer (threshold
 * optimised over the corpus per profile): the default ensemble, each of its detectors alone (its own calibrated
 * score from the same run), the default's own alerts at its product threshold, and Numenta HTM's published scores.
 * Every row is scored on onsets (the pipeline's event logic: a row keeps its score only when higher than every score
 * of the previous `onset` rows) and on every row's score.
 *
 * Options: `--detectors a,b` and `--params <json>` replace the ensemble (for experiments), `--out <dir>` keeps the
 * results files (default: a temporary directory, removed afterwards).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Command } from 'commander';
import { DEFAULT_ENSEMBLE } from '../../ensemble/ensemble';
import type { EnsembleOptions } from '../../ensemble/types';
import { readProfiles, readPublishedHtm, readWindows } from './corpus';
import { nabDir } from './paths';
import { runNab, scoreDetections, withOnset, type FileDetection, type NabRun } from './runner';
import { scoreCorpus, type ProfileResult } from './scoreCorpus';

function cells(scores: Record<string, ProfileResult>, profiles: string[]): string {
  return profiles.map((p) => scores[p].normalized.toFixed(1).padStart(8)).join('');
}

function row(
  name: string,
  onset: Record<string, ProfileResult>,
  profiles: string[],
  plain?: Record<string, ProfileResult>
): string {
  return `${name.padEnd(36)}${cells(onset, profiles)}  |${plain ? cells(plain, profiles) : ''}`;
}

function main(argv: string[]): void {
  const o = new Command()
    .option('--detectors <names>', 'comma-separated ensemble members')
    .option('--params <json>', 'per-detector parameters as JSON')
    .option('--out <dir>', 'keep results files here')
    .parse(argv)
    .opts<{ detectors?: string; params?: string; out?: string }>();
  const nab = nabDir();
  const labelsFile = path.join(nab, 'labels', 'combined_windows.json');
  const profiles = readProfiles(path.join(nab, 'profiles.json'));
  const names = Object.keys(profiles);
  const outDir = o.out ?? fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-nab-'));
  const started = performance.now();
  const ensemble: Partial<EnsembleOptions> = {
    ...(o.detectors ? { detectors: o.detectors.split(',') } : {}),
    ...(o.params ? { params: JSON.parse(o.params) as Record<string, Record<string, unknown>> } : {}),
  };
  const run: NabRun = runNab({
    dataDir: path.join(nab, 'data'),
    labelsFile,
    outDir,
    profiles,
    ensemble,
    onFile: (d, k, n) =>
      process.stderr.write(
        `[${k + 1}/${n}] ${d.file}: ${d.timestamps.length} rows, ${(d.elapsedMs / 1000).toFixed(2)} s\n`
      ),
  });
  const seconds = (performance.now() - started) / 1000;
  if (!o.out) fs.rmSync(outDir, { recursive: true, force: true });
  const labels = readWindows(labelsFile);

  const lines: string[] = [];
  lines.push(
    `NAB v1.1 scorer, ${run.detections.length} files of the shared subset, normalised 0-100 (100 perfect, 0 null)`
  );
  const head = names.map((p) => p.replace('reward_low_', '').padStart(8)).join('');
  lines.push(`${''.padEnd(36)}${'onsets (6 h refractory)'.padStart(24)}  |${'every row'.padStart(24)}`);
  lines.push(`${'detector'.padEnd(36)}${head}  |${head}`);
  const both = (name: string, pick: (d: FileDetection) => Float64Array) =>
    row(
      name,
      scoreDetections(run.detections, labels, profiles, (d) => withOnset(pick(d), d)),
      names,
      scoreDetections(run.detections, labels, profiles, (d) => withOnset(pick(d), d, 0))
    );
  const members = ensemble.detectors ?? DEFAULT_ENSEMBLE.detectors;
  lines.push(both(`${o.detectors ? 'chosen' : 'default'} ensemble (${members.join(', ')})`, (d) => d.score));
  // a member's contribution is its own calibrated score, whatever else the ensemble holds
  for (const m of members) lines.push(both(`  ${m} alone`, (d) => d.contributions[m]));
  lines.push(
    row(
      'alerts at the product threshold 0/1',
      scoreDetections(run.detections, labels, profiles, (d) => Float64Array.from(d.onset)),
      names
    )
  );
  lines.push(row('Numenta HTM (published, every row)', scoreCorpus(readPublishedHtm(nab), labels, profiles), names));
  lines.push(`detection ${seconds.toFixed(1)} s wall for ${run.detections.length} files`);
  process.stdout.write(`${lines.join('\n')}\n`);
  const onsetScores = scoreDetections(run.detections, labels, profiles, (d) => withOnset(d.score, d));
  process.stdout.write(
    `${JSON.stringify(Object.fromEntries(names.map((p) => [p, Math.round(onsetScores[p].normalized * 100) / 100])))}\n`
  );
}

main(process.argv);
