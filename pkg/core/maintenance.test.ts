import { activeWindow, maintenanceTester, validateMaintenanceWindows } from './maintenance';

const H = 3_600_000;
const SAT = Date.UTC(2026, 0, 3); // a Saturday, 00:00 UTC

describe('maintenance windows', () => {
  it('covers one-off windows [from, to)', () => {
    const w = [{ name: 'upgrade', from: SAT + H, to: SAT + 2 * H }];
    expect(activeWindow(w, SAT + H)).toEqual({ name: 'upgrade', start: SAT + H, end: SAT + 2 * H });
    expect(activeWindow(w, SAT + 2 * H - 1)).toBeDefined();
    expect(activeWindow(w, SAT + 2 * H)).toBeUndefined();
    expect(activeWindow(w, SAT + H - 1)).toBeUndefined();
  });

  it('covers each firing of a recurring (cron) window for its duration, in its time zone', () => {
    const weekly = [{ cron: '0 2 * * 6', duration: '2h' }]; // Saturdays 02:00-04:00 UTC
    expect(activeWindow(weekly, SAT + 2 * H)).toEqual({ name: undefined, start: SAT + 2 * H, end: SAT + 4 * H });
    expect(activeWindow(weekly, SAT + 3.5 * H)).toBeDefined();
    expect(activeWindow(weekly, SAT + 4 * H)).toBeUndefined();
    expect(activeWindow(weekly, SAT + 7 * 24 * H + 2.5 * H)).toBeDefined(); // the next Saturday
    expect(activeWindow(weekly, SAT + 24 * H + 2.5 * H)).toBeUndefined(); // Sunday
    // 02:00 in Paris is 01:00 UTC in winter
    const paris = [{ cron: '0 2 * * 6', duration: '1h', timezone: 'Europe/Paris' }];
    expect(activeWindow(paris, SAT + 1.5 * H)).toBeDefined();
    expect(activeWindow(paris, SAT + 2.5 * H)).toBeUndefined();
  });

  it('answers the same through the expanded tester over a range', () => {
    const windows = [
      { cron: '*/30 * * * *', duration: '10m' },
      { from: SAT + 5 * H, to: SAT + 7 * H },
    ];
    const test = maintenanceTester(windows, SAT, SAT + 24 * H);
    for (let t = SAT; t <= SAT + 24 * H; t += 60_000) {
      expect(Boolean(test(t))).toBe(Boolean(activeWindow(windows, t)));
    }
  });

  it.each([
    [[{ from: 2, to: 1 }], /maintenanceWindows\[0\].*"to" \(1\) must be after "from" \(2\)/],
    [[{ from: 1 }], /maintenanceWindows\[0\].*needs both from and to/],
    [[{ cron: '0 2 * * 6' }], /maintenanceWindows\[0\].*needs duration/],
    [[{ duration: '1h' }], /maintenanceWindows\[0\].*needs cron/],
    [[{ from: 1, to: 2, cron: '* * * * *', duration: '1h' }], /not both/],
    [[{ cron: '0 2 * *', duration: '1h' }], /maintenanceWindows\[0\]\.cron.*five fields/],
    [[{ cron: '0 27 * * 6', duration: '1h' }], /maintenanceWindows\[0\]\.cron.*not valid/],
    [[{ cron: '0 2 * * 6', duration: 'soon' }], /maintenanceWindows\[0\]\.duration/],
    [[{ cron: '0 2 * * 6', duration: '8d' }], /longer than a week/],
    [[{ cron: '0 2 * * 6', duration: '1h', timezone: 'Mars/Olympus' }], /timezone.*not an IANA time zone/],
    [[{}], /give from and to/],
  ])('refuses %j naming the window and the problem', (windows, message) => {
    expect(() => validateMaintenanceWindows(windows)).toThrow(message);
  });
});
