import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { readNabCsv } from './corpus';
import { nabDir } from './paths';

const run = promisify(execFile);
const ROOT = path.resolve(__dirname, '..', '..', '..');
const FILES = [
  'realTraffic/speed_7578.csv',
  'realAdExchange/exchange-3_cpc_results.csv',
  'realTraffic/TravelTime_451.csv',
];

describe('vigil bench nab (end to end)', () => {
  it('writes NAB results files and prints the three normalised scores as JSON', async () => {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-nab-'));
    const data = path.join(tmp, 'data');
    for (const f of FILES) {
      fs.mkdirSync(path.join(data, path.dirname(f)), { recursive: true });
      fs.copyFileSync(path.join(nabDir(), 'data', f), path.join(data, f));
    }
    const out = path.join(tmp, 'results');
    const { stdout, stderr } = await run(
      process.execPath,
      [
        path.join(ROOT, 'bin', 'vigil.js'),
        'bench',
        'nab',
        '--data',
        data,
        '--labels',
        path.join(nabDir(), 'labels', 'combined_windows.json'),
        '--out',
        out,
      ],
      { cwd: ROOT, maxBuffer: 1 << 24 }
    );
    // one progress line per file
    for (const f of FILES) expect(stderr).toContain(f);

    for (const f of FILES) {
      const [category, name] = f.split('/');
      const input = readNabCsv(path.join(data, f));
      const file = path.join(out, category, `vigil_${name}`);
      expect(fs.readFileSync(file, 'utf8').split('\n')[0]).toBe('timestamp,value,anomaly_score');
      const result = readNabCsv(file);
      expect(Array.from(result.timestamps)).toEqual(Array.from(input.timestamps));
      expect(Array.from(result.columns.value)).toEqual(Array.from(input.columns.value));
      const scores = result.columns.anomaly_score;
      expect(scores.length).toBe(input.timestamps.length);
      for (const s of scores) expect(s >= 0 && s <= 1).toBe(true);
      expect(scores.some((s) => s > 0)).toBe(true);
    }

    const lines = stdout.trim().split('\n');
    const summary = JSON.parse(lines[lines.length - 1]) as Record<string, unknown>;
    expect(Object.keys(summary).sort()).toEqual(['reward_low_FN_rate', 'reward_low_FP_rate', 'standard']);
    for (const v of Object.values(summary)) {
      expect(typeof v).toBe('number');
      expect(v as number).toBeGreaterThanOrEqual(0);
      expect(v as number).toBeLessThanOrEqual(100);
    }
    fs.rmSync(tmp, { recursive: true, force: true });
  });
});
