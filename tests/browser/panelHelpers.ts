/**
 * Helpers of the panel specs: mount a panel in the harness, read the plotted scales the Vigil panel's overlay exposes,
 * move the mouse over a point, and count the canvas pixels drawn in a colour.
 */
import { expect, type Locator, type Page } from '@playwright/test';
import type { TickLabelBox } from '../../src/panel/layers/FitTickLabels';
import type { Box } from './geometry';

type Harness = { vigilHarness: { mountPanel(o: unknown): Promise<{ frames: number; errors: string[] }> } };

/** Mount the Vigil panel (or `viz: 'timeseries'`, Grafana's own) with the harness's options; returns frames and errors. */
export async function mountPanel(page: Page, o: Record<string, unknown>) {
  const res = await page.evaluate((opts) => (window as never as Harness).vigilHarness.mountPanel(opts), o);
  // two animation frames: uPlot draws, then the overlay's layers follow its draw hook
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
  return res;
}

/** The plotted x scale (epoch ms), the first y scale, and the plot area's size (px), of the `n`-th Vigil panel. */
export async function plotScales(page: Page, n = 0) {
  const overlay = page.getByTestId('vigil-overlay').nth(n);
  const num = async (a: string) => Number(await overlay.getAttribute(a));
  const box = await overlay.evaluate((el) => ({ width: el.clientWidth, height: el.clientHeight }));
  return {
    xMin: await num('data-x-min'),
    xMax: await num('data-x-max'),
    yMin: await num('data-y-min'),
    yMax: await num('data-y-max'),
    ...box,
  };
}

/** The page coordinates of a marker's centre (markers do not take the mouse: the plot under them does). */
export async function markerCentre(marker: Locator): Promise<{ x: number; y: number }> {
  const b = (await marker.boundingBox())!;
  return { x: b.x + b.width / 2, y: b.y + b.height / 2 };
}

/** Move the mouse onto a point in two steps (uPlot follows mousemove). */
export async function hoverAt(page: Page, at: { x: number; y: number }) {
  await page.mouse.move(at.x - 6, at.y);
  await page.mouse.move(at.x, at.y);
}

/**
 * Hover the point and click it to pin its tooltip, again until the tooltip's `button` shows: on a busy machine the
 * first click can land before the plot has taken the hover, and then pins nothing.
 */
export async function pinTooltip(page: Page, at: { x: number; y: number }, button: string) {
  await expect(async () => {
    await hoverAt(page, at);
    await page.mouse.click(at.x, at.y);
    await expect(page.getByRole('button', { name: button })).toBeVisible({ timeout: 2000 });
  }).toPass({ timeout: 30_000 });
}

/**
 * How many pixels of each colour the `n`-th plot canvas holds (within 40 of each RGB channel, fully opaque lines only),
 * for colours given as CSS `rgb(...)`/`#rrggbb`.
 */
export async function canvasColourCounts(page: Page, colours: string[], n = 0): Promise<number[]> {
  const canvas = page.locator('[data-testid="harness-panel-chrome"] canvas').nth(n);
  return canvas.evaluate((el, cols) => {
    const parse = (c: string): number[] => {
      const probe = document.createElement('div');
      probe.style.color = c;
      document.body.appendChild(probe);
      const rgb = getComputedStyle(probe)
        .color.match(/\d+(\.\d+)?/g)!
        .map(Number);
      probe.remove();
      return rgb.slice(0, 3);
    };
    const targets = cols.map(parse);
    const cv = el as HTMLCanvasElement;
    const data = cv.getContext('2d')!.getImageData(0, 0, cv.width, cv.height).data;
    const counts = targets.map(() => 0);
    for (let i = 0; i < data.length; i += 4) {
      if (data[i + 3] < 250) continue;
      targets.forEach((t, k) => {
        if (
          Math.abs(data[i] - t[0]) <= 40 &&
          Math.abs(data[i + 1] - t[1]) <= 40 &&
          Math.abs(data[i + 2] - t[2]) <= 40
        ) {
          counts[k]++;
        }
      });
    }
    return counts;
  }, colours);
}

/** The legend's series: name and swatch colour (CSS), in order. */
export async function legendItems(page: Page, n = 0): Promise<Array<{ name: string; colour: string }>> {
  const chrome = page.getByTestId('harness-panel-chrome').nth(n);
  return chrome.locator('[data-testid^="data-testid VizLegend series "]').evaluateAll((items) =>
    items.map((it) => ({
      name: (it.getAttribute('data-testid') ?? '').replace('data-testid VizLegend series ', ''),
      colour: getComputedStyle(it.querySelector('[data-testid="series-icon"]')!).backgroundColor,
    }))
  );
}

/**
 * The tick labels the `n`-th Vigil panel's plot drew (text and box in page px), from the overlay's `data-tick-labels`
 * (boxes relative to the plot's root) and the root's position on the page.
 */
export async function tickLabels(page: Page, n = 0): Promise<Array<{ axis: number; text: string; box: Box }>> {
  const overlay = page.getByTestId('vigil-overlay').nth(n);
  const raw = JSON.parse((await overlay.getAttribute('data-tick-labels')) ?? '[]') as TickLabelBox[];
  const root = (await page.getByTestId('vigil-panel').nth(n).locator('.uplot').first().boundingBox())!;
  return raw.map((l) => ({
    axis: l.axis,
    text: l.text,
    box: { x: root.x + l.left, y: root.y + l.top, width: l.right - l.left, height: l.bottom - l.top },
  }));
}

/**
 * Each element's box and the box of its nearest ancestor that scrolls (the legend's scroll container), which bounds
 * what is visible of it. Runs in the page (`evaluateAll`): it uses nothing from this module.
 */
function boxesInScroller(els: Element[]): Array<{ box: Box; shown: Box }> {
  return els.map((el) => {
    let p = el.parentElement;
    while (p && !/(auto|scroll)/.test(getComputedStyle(p).overflowY)) p = p.parentElement;
    const r = el.getBoundingClientRect();
    const s = (p ?? document.body).getBoundingClientRect();
    return {
      box: { x: r.x, y: r.y, width: r.width, height: r.height },
      shown: { x: s.x, y: s.y, width: s.width, height: s.height },
    };
  });
}

/**
 * Where each legend item of the `n`-th panel is before any scrolling (`rest`) and once scrolled into view as a user
 * scrolls the legend (`box`), with the box of the scrolling legend that shows it (`shown`, before and after).
 */
export async function reachLegendItems(
  page: Page,
  n = 0
): Promise<Array<{ name: string; rest: Box; restShown: Box; box: Box; shown: Box }>> {
  const chrome = page.getByTestId('harness-panel-chrome').nth(n);
  const items = chrome.locator('[data-testid^="data-testid VizLegend series "]');
  const rest = await items.evaluateAll(boxesInScroller);
  const out: Array<{ name: string; rest: Box; restShown: Box; box: Box; shown: Box }> = [];
  for (let i = 0; i < (await items.count()); i++) {
    const item = items.nth(i);
    await item.scrollIntoViewIfNeeded();
    const name = ((await item.getAttribute('data-testid')) ?? '').replace('data-testid VizLegend series ', '');
    const [now] = await items.nth(i).evaluateAll(boxesInScroller);
    out.push({ name, rest: rest[i].box, restShown: rest[i].shown, box: now.box, shown: now.shown });
  }
  return out;
}
