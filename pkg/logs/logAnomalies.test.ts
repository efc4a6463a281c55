import { chooseLogInterval, detectLogAnomalies, type LogRecord } from './logAnomalies';

const HOUR = 3_600_000;
const T0 = Date.UTC(2024, 0, 1);

/** Ten days of a regular heartbeat and requests, with a burst of a new fault on day 8. */
function records(): LogRecord[] {
  const out: LogRecord[] = [];
  for (let h = 0; h < 240; h++) {
    out.push({ time: T0 + h * HOUR, message: `heartbeat from node-${h % 7} ok`, level: 'INFO' });
    for (let k = 0; k < 3; k++)
      out.push({
        time: T0 + h * HOUR + k * 60_000,
        message: `GET /api/items/${h * 3 + k} 200 in ${k + 3} ms`,
        level: 'INFO',
      });
  }
  for (let k = 0; k < 12; k++)
    out.push({
      time: T0 + 190 * HOUR + k * 120_000,
      message: `disk sd${k % 3} I/O error on sector ${1000 + k}`,
      level: 'ERROR',
    });
  out.sort((a, b) => a.time - b.time);
  return out.map((r, i) => ({ ...r, line: i + 1 }));
}

describe('detectLogAnomalies', () => {
  const input = records();
  const copy = JSON.stringify(input);
  const report = detectLogAnomalies(input, { intervalMs: HOUR });

  it('raises a major event for the burst of a new fault template, with five example lines', () => {
    const fault = report.events.find((e) => e.detectors['log:fault'] !== undefined);
    expect(fault).toBeDefined();
    expect(fault!.template).toBe('disk sd<*> I/O error on sector <*>');
    expect(fault!.count).toBe(12);
    expect(fault!.severity).toBe('major');
    expect(fault!.detectors['log:new-template']).toBe(40);
    expect(fault!.examples).toHaveLength(5);
    expect(fault!.examples[0]).toMatchObject({ message: 'disk sd0 I/O error on sector 1000' });
    expect(fault!.explanation).toMatch(/12 lines of template .*12 report a fault \(level ERROR\).*never seen before/);
  });

  it('flags exactly the fault lines, and only they score 50 or more', () => {
    const flagged = input.filter((_, i) => report.anomalous[i]).map((r) => r.message);
    expect(flagged).toHaveLength(12);
    expect(flagged.every((m) => m.includes('I/O error'))).toBe(true);
    expect(report.events.filter((e) => e.score >= 50).every((e) => e.detectors['log:fault'] !== undefined)).toBe(true);
  });

  it('gives each template a count series on the interval grid', () => {
    expect(report.series).toHaveLength(report.templates.length);
    const hb = report.series.find((s) => s.labels.template === 'heartbeat from node-<*> ok');
    expect(hb!.timestamps).toHaveLength(240);
    expect(Array.from(hb!.values).every((v) => v === 1)).toBe(true);
  });

  it('judges the count series of a file shorter than the pipeline warm-up: an info burst is a minor event', () => {
    // three hours of 1-minute intervals (180, fewer than a stream's default warm-up): a steady template, then
    // forty lines of it in one minute
    const lines: LogRecord[] = [];
    for (let m = 0; m < 180; m++)
      lines.push({ time: T0 + m * 60_000, message: `session ${m} opened for user u${m % 5}` });
    for (let k = 0; k < 40; k++)
      lines.push({ time: T0 + 150 * 60_000 + k * 1000, message: `session ${k} opened for user x${k}` });
    lines.sort((a, b) => a.time - b.time);
    const r = detectLogAnomalies(lines, { intervalMs: 60_000 });
    const burst = r.events.filter((e) => e.detectors['log:template-count'] !== undefined);
    expect(burst.length).toBeGreaterThan(0);
    expect(burst[0].start).toBeGreaterThanOrEqual(T0 + 150 * 60_000);
    expect(burst[0].start).toBeLessThan(T0 + 152 * 60_000);
    expect(burst[0].severity).toBe('minor');
    expect(r.anomalous.every((x) => x === 0)).toBe(true);
  });

  it('does not mutate its input and is deterministic', () => {
    expect(JSON.stringify(input)).toBe(copy);
    expect(detectLogAnomalies(input, { intervalMs: HOUR }).events).toEqual(report.events);
  });

  it('without times, still judges lines and groups faults by template', () => {
    const r = detectLogAnomalies(
      ['fan ok', 'fan failed on board 3', 'fan failed on board 4'].map((message) => ({ time: NaN, message }))
    );
    expect(r.warnings[0]).toMatch(/fewer than two lines have a time/);
    expect(Array.from(r.anomalous)).toEqual([0, 1, 1]);
    expect(r.events).toHaveLength(1);
    expect(r.events[0].count).toBe(2);
  });

  it('rejects a bad warm-up or interval', () => {
    expect(() => detectLogAnomalies([], { warmup: 2 })).toThrow(/warmup/);
    expect(() => detectLogAnomalies([], { intervalMs: 0 })).toThrow(/interval/);
  });
});

describe('chooseLogInterval', () => {
  it('picks the smallest usual interval giving at most 2000 intervals', () => {
    expect(chooseLogInterval(60 * 60_000)).toBe(60_000);
    expect(chooseLogInterval(30 * 86_400_000)).toBe(HOUR);
    expect(chooseLogInterval(214 * 86_400_000)).toBe(6 * HOUR);
  });
});
