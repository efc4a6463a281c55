/**
 * Property-based tests (fast-check) of the file reader: any text in a .csv or .ndjson file gives series or an
 * InputError (never another error, never a hang), and well-formed rows read back exactly.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { InputError } from '../core/errors';
import { readSeriesFile } from './file';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'vigil-file-prop-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let n = 0;
async function read(text: string, ext: 'csv' | 'ndjson') {
  const file = path.join(dir, `f${n++}.${ext}`);
  writeFileSync(file, text);
  return readSeriesFile(file);
}

/** Lines made of pieces a CSV or NDJSON file holds, shuffled: quotes, separators, numbers, dates, braces. */
const piece = fc.constantFrom(
  ',',
  '"',
  '""',
  '\n',
  '\r\n',
  '{',
  '}',
  ':',
  '[',
  ']',
  'timestamp',
  'value',
  'host',
  '1.5',
  '-3e7',
  'NaN',
  'null',
  '2026-01-01T00:00:00Z',
  '1767225600000',
  ' ',
  'é',
  '\u0000',
  '"timestamp"',
  '"value"'
);
const messy = fc.oneof(
  fc.string({ maxLength: 300 }),
  fc.array(piece, { maxLength: 80 }).map((p) => p.join(''))
);

const MIN = 60_000;
const T0 = Date.UTC(2026, 0, 1);

describe('readSeriesFile (property-based)', () => {
  it('reads any text as series or refuses it with an InputError', async () => {
    await fc.assert(
      fc.asyncProperty(messy, fc.constantFrom('csv' as const, 'ndjson' as const), async (text, ext) => {
        try {
          const out = await read(text, ext);
          for (const s of out.series) {
            expect(s.timestamps.length).toBe(s.values.length);
            for (let i = 1; i < s.timestamps.length; i++) expect(s.timestamps[i]).toBeGreaterThan(s.timestamps[i - 1]);
            s.timestamps.forEach((t) => expect(Number.isFinite(t)).toBe(true));
          }
        } catch (err) {
          if (!(err instanceof InputError)) throw err;
          expect(err.message.length).toBeGreaterThan(0);
        }
      }),
      { numRuns: 150, seed: 20261130 }
    );
  }, 120_000);

  it('reads well-formed rows back exactly, in CSV and NDJSON', async () => {
    const rows = fc.uniqueArray(
      fc.tuple(
        fc.integer({ min: 0, max: 100_000 }),
        fc.double({ min: -1e12, max: 1e12, noNaN: true, noDefaultInfinity: true })
      ),
      { minLength: 1, maxLength: 200, selector: ([k]) => k }
    );
    await fc.assert(
      fc.asyncProperty(rows, async (r) => {
        const sorted = [...r].sort((a, b) => a[0] - b[0]);
        const csv = `timestamp,value\n${r.map(([k, v]) => `${new Date(T0 + k * MIN).toISOString()},${v}`).join('\n')}\n`;
        const ndjson = r.map(([k, v]) => JSON.stringify({ timestamp: T0 + k * MIN, value: v })).join('\n') + '\n';
        for (const [text, ext] of [
          [csv, 'csv'],
          [ndjson, 'ndjson'],
        ] as const) {
          const { series } = await read(text, ext);
          expect(series).toHaveLength(1);
          expect(Array.from(series[0].timestamps)).toEqual(sorted.map(([k]) => T0 + k * MIN));
          expect(Array.from(series[0].values)).toEqual(sorted.map(([, v]) => (Object.is(v, -0) ? 0 : v)));
        }
      }),
      { numRuns: 60, seed: 20261130 }
    );
  }, 120_000);
});
