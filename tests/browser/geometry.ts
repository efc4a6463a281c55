/** Parsing of the panel's SVG paths back into points, for assertions on what was drawn where. */

export type Pt = { x: number; y: number };

/** Points of an `M x,y L x,y ...` path, in order (every `M` starts a new run; runs are concatenated). */
export function pathPoints(d: string): Pt[] {
  return [...d.matchAll(/[ML](-?[\d.]+),(-?[\d.]+)/g)].map((m) => ({ x: Number(m[1]), y: Number(m[2]) }));
}

/** The band polygons (`M ... Z` each) as upper and lower points in time order. */
export function bandPoints(d: string): { upper: Pt[]; lower: Pt[] } {
  const upper: Pt[] = [];
  const lower: Pt[] = [];
  for (const poly of d.split('Z').filter((s) => s.trim())) {
    const pts = pathPoints(poly);
    const k = pts.length / 2;
    upper.push(...pts.slice(0, k));
    lower.push(...pts.slice(k).reverse());
  }
  return { upper, lower };
}

/** Engine number formatting as the tooltip shows it (4 significant digits). */
export function fmt(v: number): string {
  if (v !== 0 && (Math.abs(v) >= 1e6 || Math.abs(v) < 1e-3)) return v.toExponential(2);
  return String(Number(v.toPrecision(4)));
}

export const utc = (t: number) => new Date(t).toISOString().replace('T', ' ').slice(0, 19);

/** A rectangle in page px. */
export type Box = { x: number; y: number; width: number; height: number };

/** Whether `inner` lies inside `outer`, within `slack` px on each side. */
export function within(inner: Box, outer: Box, slack = 0.5): boolean {
  return (
    inner.x >= outer.x - slack &&
    inner.y >= outer.y - slack &&
    inner.x + inner.width <= outer.x + outer.width + slack &&
    inner.y + inner.height <= outer.y + outer.height + slack
  );
}
