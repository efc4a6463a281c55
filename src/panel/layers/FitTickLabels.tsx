import { useLayoutEffect } from 'react';
import type uPlot from 'uplot';
import { measureText, type UPlotConfigBuilder } from '@grafana/ui';

import { ticksInside } from '../layout';

/** uPlot's axis state after a draw (not in its published types): the tick values and their labels. */
export type DrawnAxis = uPlot.Axis & {
  _splits?: number[];
  _values?: Array<string | number | null>;
  /** [font, size in canvas px, size in CSS px] once uPlot has set the axis up */
  font?: unknown;
};

/** The CSS font size of an axis' labels (12 px, Grafana's axis font, when uPlot has not set it up). */
export function axisFontPx(axis: DrawnAxis): number {
  const f = axis.font;
  return Array.isArray(f) && typeof f[2] === 'number' ? f[2] : 12;
}

/** A label's width (its widest line), CSS px. */
export function labelWidth(text: string, fontPx: number): number {
  return Math.max(0, ...text.split('\n').map((line) => measureText(line, fontPx).width));
}

/**
 * Keeps the x axis' tick labels inside the panel: uPlot centres each label on its tick, so the label of a tick near
 * the plot's right (or left) edge used to be cut by the canvas edge. This wraps the axis' filter (which ticks get a
 * label) to drop such a label; the other ticks keep theirs. Renders nothing.
 */
export function FitTickLabels({ config }: { config: UPlotConfigBuilder }) {
  useLayoutEffect(() => {
    config.addHook('init', (u) => {
      const axis = u.axes.find((a) => a.scale === 'x') as DrawnAxis | undefined;
      if (!axis || typeof axis.values !== 'function') return;
      const format = axis.values;
      const base = axis.filter;
      axis.filter = (self, splits, axisIdx, space, incr) => {
        const kept = base ? base(self, splits, axisIdx, space, incr) : splits;
        const texts = format(self, kept as number[], axisIdx, space, incr);
        const px = axisFontPx(axis);
        // the plot's left edge in CSS px (uPlot's bbox is in canvas px)
        const left = self.bbox.left / (window.devicePixelRatio || 1);
        const xs = kept.map((v) => (v === null ? 0 : left + self.valToPos(v, 'x')));
        const widths = kept.map((v, i) => (v === null ? 0 : labelWidth(String(texts[i] ?? ''), px)));
        const inside = ticksInside(xs, widths, self.width);
        return kept.map((v, i) => (inside[i] ? v : null));
      };
    });
  }, [config]);
  return null;
}

/** A drawn tick label's box, CSS px from the plot root's top left corner (what the canvas covers). */
export interface TickLabelBox {
  axis: number;
  text: string;
  left: number;
  right: number;
  top: number;
  bottom: number;
}

/**
 * The boxes of the tick labels uPlot drew at its last draw, from its axis state: on a horizontal axis each label
 * centred on its tick, on a vertical one each line centred on its tick's height. What the overlay exposes so that a
 * test can check that no label reaches past the panel.
 */
export function tickLabelBoxes(u: uPlot): TickLabelBox[] {
  const ratio = window.devicePixelRatio || 1;
  const out: TickLabelBox[] = [];
  u.axes.forEach((a, i) => {
    const axis = a as DrawnAxis;
    if (axis.show === false || !axis.scale || !axis._splits || !axis._values) return;
    const px = axisFontPx(axis);
    const horizontal = axis.side === 0 || axis.side === 2;
    // labels sit past the tick and the gap (both CSS px in uPlot's axis options)
    const off = (axis.ticks?.show === false ? 0 : (axis.ticks?.size ?? 0)) + (axis.gap ?? 0);
    axis._splits.forEach((v, k) => {
      const raw = axis._values![k];
      if (raw === null || raw === undefined || raw === '') return;
      const text = String(raw);
      // one line is as tall as the font (uPlot's axis size allows that much), further lines 1.5 times it
      const h = px * (1 + (text.split('\n').length - 1) * 1.5);
      const at = u.valToPos(v, axis.scale!, true) / ratio;
      const w = labelWidth(text, px);
      if (horizontal) {
        // below (or above) the plot, centred on the tick
        const edge = axis.side === 2 ? (u.bbox.top + u.bbox.height) / ratio + off : u.bbox.top / ratio - off;
        const top = axis.side === 2 ? edge : edge - h;
        out.push({ axis: i, text, left: at - w / 2, right: at + w / 2, top, bottom: top + h });
      } else {
        // beside the plot, centred on the tick's height
        const plotLeft = u.bbox.left / ratio;
        const plotRight = (u.bbox.left + u.bbox.width) / ratio;
        const left = axis.side === 3 ? plotLeft - off - w : plotRight + off;
        out.push({ axis: i, text, left, right: left + w, top: at - h / 2, bottom: at + h / 2 });
      }
    });
  });
  return out;
}
