import type { DetectResponse } from '../../src/types';
import { engineApi, MULTI_HOSTS } from './engine';
import { expect, snapThemes, test } from './fixtures';
import { within } from './geometry';
import {
  canvasColourCounts,
  hoverAt,
  legendItems,
  mountPanel,
  plotScales,
  reachLegendItems,
  tickLabels,
} from './panelHelpers';

const DAY = 86_400_000;
const MULTI = {
  refId: 'A',
  queryType: 'detect',
  source: { type: 'file', path: 'multi.csv', valueField: 'requests', labelFields: ['host'] },
  interval: '5m',
};
const names = MULTI_HOSTS.map((h) => `requests{host="${h}"}`);

/** The last three days of the five hosts; the engine's own answer for them. */
async function multi() {
  const to = Date.now();
  const from = to - 3 * DAY;
  const expected = await engineApi<DetectResponse>('POST', '/api/detect', {
    source: MULTI.source,
    from,
    to,
    interval: '5m',
    mode: 'majority',
    sensitivity: 0.6,
  });
  return { from, to, expected };
}

test.describe('multi-series panels on Grafana’s time series component', () => {
  for (const size of [
    { width: 1000, height: 360, shot: 'panel-multi-large' },
    { width: 420, height: 200, shot: 'panel-multi-small' },
  ]) {
    test(`five series at ${size.width} x ${size.height}: each in its own theme colour, in the legend and on the plot, in both themes`, async ({
      harness: page,
    }, testInfo) => {
      const { from, to, expected } = await multi();
      expect(expected.series).toHaveLength(5);
      await snapThemes(
        page,
        testInfo,
        size.shot,
        async () => {
          const res = await mountPanel(page, { targets: [MULTI], from, to, width: size.width, height: size.height });
          expect(res.errors).toEqual([]);
          await expect(page.getByTestId('vigil-panel')).toBeVisible();
          // every series in the legend, in order, each with a resolved, opaque and distinct colour
          const legend = await legendItems(page);
          expect(legend.map((l) => l.name)).toEqual(names);
          for (const l of legend) expect(l.colour).toMatch(/^rgb\(/);
          expect(new Set(legend.map((l) => l.colour)).size).toBe(5);
          // ... and drawn in that colour on the plot (the small e series too)
          const counts = await canvasColourCounts(
            page,
            legend.map((l) => l.colour)
          );
          for (const [i, c] of counts.entries()) expect(c, `pixels of ${names[i]}`).toBeGreaterThan(5);
          // the plot keeps most of the panel; the legend scrolls rather than squeezing it
          const s = await plotScales(page);
          expect(s.height).toBeGreaterThanOrEqual(size.height * 0.4);
          // markers of every anomaly in the range, on its own series' scale inside the plot
          const markers = page.getByTestId('vigil-marker');
          await expect(markers).toHaveCount(expected.anomalies.filter((a) => a.end >= from && a.start <= to).length);
          for (const top of await markers.evaluateAll((ms) => ms.map((m) => Number(m.getAttribute('data-top'))))) {
            expect(top).toBeGreaterThanOrEqual(0);
            expect(top).toBeLessThanOrEqual(s.height);
          }
          // the legend shows all five items whole as the panel opens (no row cut by its edge), and each stays
          // reachable (scrolling the legend when it scrolls), whole, in the panel
          const panel = (await page.getByTestId('vigil-panel').boundingBox())!;
          const reached = await reachLegendItems(page);
          expect(reached.map((r) => r.name)).toEqual(names);
          for (const r of reached) {
            expect(within(r.rest, r.restShown), `${r.name} shown whole before any scrolling`).toBe(true);
            expect(within(r.box, r.shown), `${r.name} shown whole by the legend`).toBe(true);
            expect(within(r.box, panel), `${r.name} inside the panel`).toBe(true);
          }
          // every tick label the plot drew lies inside the panel (none cut at an edge)
          const labels = await tickLabels(page);
          expect(labels.filter((l) => l.axis === 0).length).toBeGreaterThanOrEqual(2);
          for (const l of labels) expect(within(l.box, panel), `tick label "${l.text}"`).toBe(true);
        },
        '[data-testid="harness-panel-chrome"]'
      );
    });
  }

  test('a tick at the plot’s right edge loses its label instead of drawing it cut by the panel’s edge', async ({
    harness: page,
  }) => {
    // the range ends ten minutes after midnight (the panel's time zone is UTC): the midnight tick sits ~2 px from the
    // plot's right edge, and its centred label would reach ~30 px past the canvas
    const to = Math.floor(Date.now() / DAY) * DAY + 600_000;
    const from = to - 3 * DAY;
    const midnight = new Date(to - 600_000);
    const p = (n: number) => String(n).padStart(2, '0');
    const label = `${p(midnight.getUTCMonth() + 1)}/${p(midnight.getUTCDate())} 00:00`;
    for (const size of [
      { width: 1000, height: 360 },
      { width: 420, height: 200 },
    ]) {
      await mountPanel(page, { targets: [MULTI], from, to, ...size });
      await expect(page.getByTestId('vigil-panel')).toBeVisible();
      const panel = (await page.getByTestId('vigil-panel').boundingBox())!;
      const labels = await tickLabels(page);
      const x = labels.filter((l) => l.axis === 0);
      expect(x.length, `x labels at ${size.width} x ${size.height}`).toBeGreaterThanOrEqual(1);
      for (const l of labels) expect(within(l.box, panel), `tick label "${l.text}"`).toBe(true);
      expect(x.map((l) => l.text)).not.toContain(label);
    }
  });

  test('shared crosshair across panels and drag to zoom', async ({ harness: page }) => {
    const { from, to } = await multi();
    // DashboardCursorSync.Crosshair = 1
    await mountPanel(page, { targets: [MULTI], from, to, width: 600, height: 300, panels: 2, cursorSync: 1 });
    await expect(page.getByTestId('vigil-panel')).toHaveCount(2);
    const over = page.locator('[data-testid="harness-panel-chrome"] .u-over');
    const a = (await over.nth(0).boundingBox())!;
    await hoverAt(page, { x: a.x + a.width * 0.5, y: a.y + a.height * 0.5 });
    // the second panel's cursor follows the first one's, at the same time
    const cursorLeft = (i: number) =>
      page
        .locator('[data-testid="harness-panel-chrome"] .u-cursor-x')
        .nth(i)
        .evaluate(
          (el) => (el as HTMLElement).getBoundingClientRect().left - el.parentElement!.getBoundingClientRect().left
        );
    await expect.poll(async () => Math.abs((await cursorLeft(1)) - (await cursorLeft(0)))).toBeLessThanOrEqual(2);
    expect(await cursorLeft(0)).toBeGreaterThan(a.width * 0.4);

    // dragging over a quarter of the plot asks the dashboard for that range
    await page.mouse.move(a.x + a.width * 0.25, a.y + a.height * 0.5);
    await page.mouse.down();
    await page.mouse.move(a.x + a.width * 0.4, a.y + a.height * 0.5, { steps: 5 });
    await page.mouse.move(a.x + a.width * 0.5, a.y + a.height * 0.5, { steps: 5 });
    await page.mouse.up();
    const zoom = await page.evaluate(
      () => (window as never as { vigilHarness: { zoomLog: Array<{ from: number; to: number }> } }).vigilHarness.zoomLog
    );
    expect(zoom).toHaveLength(1);
    const span = to - from;
    expect(Math.abs(zoom[0].from - (from + span * 0.25))).toBeLessThan(span * 0.02);
    expect(Math.abs(zoom[0].to - (from + span * 0.5))).toBeLessThan(span * 0.02);
  });

  test('the data source’s frames in Grafana’s stock time series panel: series, band, anomaly points and annotations', async ({
    harness: page,
  }, testInfo) => {
    const { from, to, expected } = await multi();
    await snapThemes(
      page,
      testInfo,
      'timeseries-stock-multi',
      async () => {
        const res = await mountPanel(page, { targets: [MULTI], from, to, width: 1000, height: 360, viz: 'timeseries' });
        expect(res.errors).toEqual([]);
        await expect(page.getByTestId('harness-timeseries')).toBeVisible();
        // the legend holds the series and their anomaly points, never the band bounds, expected values or scores
        const legend = await legendItems(page);
        expect(legend.map((l) => l.name)).toEqual(names.flatMap((n) => [n, `${n} anomalies`]));
        const series = legend.filter((l) => !l.name.endsWith('anomalies'));
        expect(new Set(series.map((l) => l.colour)).size).toBe(5);
        const counts = await canvasColourCounts(
          page,
          series.map((l) => l.colour)
        );
        for (const [i, c] of counts.entries()) expect(c, `pixels of ${names[i]}`).toBeGreaterThan(5);
        // one annotation region per anomaly of the range
        await expect(page.getByTestId('harness-annotation')).toHaveCount(
          expected.anomalies.filter((a) => a.end >= from && a.start <= to).length
        );
      },
      '[data-testid="harness-panel-chrome"]'
    );
  });
});
