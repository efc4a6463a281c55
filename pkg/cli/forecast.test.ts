import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { forecastCommand } from './forecast';

describe('vigil forecast', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'vigil-forecast-'));
  const csv = path.join(dir, 'load.csv');
  const rows = ['timestamp,value'];
  for (let i = 0; i < 24 * 6; i++) {
    const t = new Date(Date.UTC(2024, 0, 1) + i * 3_600_000).toISOString();
    rows.push(`${t},${(50 + 10 * Math.sin((2 * Math.PI * i) / 24) + 0.5 * Math.sin(i * 1.3)).toFixed(3)}`);
  }
  writeFileSync(csv, rows.join('\n') + '\n');

  it('writes horizon rows past the end of the file as CSV', async () => {
    const out = path.join(dir, 'f.csv');
    await forecastCommand().parseAsync(
      [csv, '--method', 'mstl', '--horizon', '6', '--format', 'csv', '--out', out, '-q'],
      {
        from: 'user',
      }
    );
    const lines = readFileSync(out, 'utf8').trim().split('\n');
    expect(lines[0]).toBe('series,time,mean,lower,upper');
    expect(lines).toHaveLength(7);
    expect(lines[1].split(',')[1]).toBe('2024-01-07T00:00:00Z');
    const [mean, lower, upper] = lines[1].split(',').slice(2).map(Number);
    expect(lower).toBeLessThan(mean);
    expect(upper).toBeGreaterThan(mean);
    expect(Math.abs(mean - 50)).toBeLessThan(3); // the next point starts a new daily cycle at the level
  });

  it('writes JSON with the method and band level', async () => {
    const out = path.join(dir, 'f.json');
    await forecastCommand().parseAsync(
      [csv, '--method', 'ets', '--horizon', '2', '--level', '0.8', '--format', 'json', '--out', out, '-q'],
      {
        from: 'user',
      }
    );
    const json = JSON.parse(readFileSync(out, 'utf8'));
    expect(json[0].method).toBe('ets');
    expect(json[0].level).toBe(0.8);
    expect(json[0].points).toHaveLength(2);
  });
});
