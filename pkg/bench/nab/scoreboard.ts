/**
 * `npm run bench:nab`: the NAB scoreboard. Runs Vigil over the shared NAB subset with honest streaming and scores
 * (NAB v1.1, threshold optimised over the corpus per profile): the NAB configuration (`NAB_CONFIGURATION`, the
 * score Vigil reports), the default batch ensemble, each detector alone (its own online-calibrated score, as
 * `--detectors <name>` would give), the default ensemble's own decisions, and Numenta HTM's published scores.
 * Every row is scored on every row's score and on onsets only (the configuration's onset window).
 *
 * Options: `--params <json>` and `--detectors a,b` replace the NAB configuration's ensemble, `--out <dir>` keeps
 * its results files (default: a temporary directory, removed afterwards).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Command } from 'commander';
import { readProfiles, readPublishedHtm, readWindows } from './corpus';
import { nabDir } from './paths';
import { DEFAULT_DETECTORS } from '../../detectors/registry';
import type { EnsembleOptions } from '../../ensemble/types';
import { NAB_CONFIGURATION } from './config';
import { runNab, scoreDetections, withOnset, type FileDetection, type NabRun } from './runner';
import { scoreCorpus, type ProfileResult } from './scoreCorpus';

/** The onset window of the scoreboard's second column group, as a fraction of the probationary rows. */
const ONSET = NAB_CONFIGURATION.onset;

function cells(scores: Record<string, ProfileResult>, profiles: string[]): string {
  return profiles.map((p) => scores[p].normalized.toFixed(1).padStart(8)).join('');
}

function row(
  name: string,
  plain: Record<string, ProfileResult>,
  profiles: string[],
  onset?: Record<string, ProfileResult>
): string {
  return `${name.padEnd(34)}${cells(plain, profiles)}  |${onset ? cells(onset, profiles) : ''}`;
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
  const run = (ensemble: Partial<EnsembleOptions>, dir: string, label: string): NabRun =>
    runNab({
      dataDir: path.join(nab, 'data'),
      labelsFile,
      outDir: dir,
      profiles,
      ensemble,
      onset: ONSET,
      onFile: (d, k, n) =>
        process.stderr.write(
          `${label} [${k + 1}/${n}] ${d.file}: ${d.timestamps.length} rows, ${(d.elapsedMs / 1000).toFixed(2)} s\n`
        ),
    });
  const chosen = {
    ...NAB_CONFIGURATION.ensemble,
    ...(o.detectors ? { detectors: o.detectors.split(',') } : {}),
    ...(o.params ? { params: JSON.parse(o.params) as Record<string, Record<string, unknown>> } : {}),
  };
  const configuration = run(chosen, outDir, 'configuration');
  const seconds = (performance.now() - started) / 1000;
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-nab-'));
  const batch = run({}, path.join(scratch, 'default'), 'default ensemble');
  fs.rmSync(scratch, { recursive: true, force: true });
  if (!o.out) fs.rmSync(outDir, { recursive: true, force: true });
  const labels = readWindows(labelsFile);

  const lines: string[] = [];
  lines.push(
    `NAB v1.1 scorer, ${configuration.detections.length} files of the shared subset, normalised 0-100 (100 perfect, 0 null)`
  );
  const head = names.map((p) => p.replace('reward_low_', '').padStart(8)).join('');
  lines.push(
    `${''.padEnd(34)}${'score on every row'.padStart(24)}  |${`onsets only (${ONSET} x probation)`.padStart(30)}`
  );
  lines.push(`${'detector'.padEnd(34)}${head}  |${head}`);
  const both = (name: string, r: NabRun, pick: (d: FileDetection) => Float64Array) =>
    row(
      name,
      scoreDetections(r.detections, labels, profiles, (d) => withOnset(pick(d), d, 0)),
      names,
      scoreDetections(r.detections, labels, profiles, (d) => withOnset(pick(d), d, ONSET))
    );
  lines.push(both(`NAB configuration (${(chosen.detectors ?? []).join(', ')})`, configuration, (d) => d.score));
  lines.push(both(`default ensemble (${DEFAULT_DETECTORS.length} detectors)`, batch, (d) => d.score));
  // a member's contribution is its own online-calibrated score, whatever else the ensemble holds: each detector
  // alone is read from the run that already scored it
  for (const m of DEFAULT_DETECTORS) lines.push(both(`  ${m} alone`, batch, (d) => d.contributions[m]));
  for (const m of chosen.detectors ?? []) {
    if (!DEFAULT_DETECTORS.includes(m)) lines.push(both(`  ${m} alone`, configuration, (d) => d.contributions[m]));
  }
  lines.push(both('default ensemble decisions 0/1', batch, (d) => Float64Array.from(d.anomalous)));

  // Numenta HTM's published anomaly scores on the same files, for reference
  lines.push(row('Numenta HTM (published)', scoreCorpus(readPublishedHtm(nab), labels, profiles), names));
  lines.push(
    `Vigil's NAB score: the NAB configuration on onsets (${ONSET} x probation); detection ${seconds.toFixed(1)} s wall ` +
      `for ${configuration.detections.length} files`
  );
  process.stdout.write(`${lines.join('\n')}\n`);
}

main(process.argv);
