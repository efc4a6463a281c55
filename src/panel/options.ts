/**
 * Options of the Vigil panel, their defaults, and the migration of options saved by older versions of the panel.
 * Series colours, units, decimals, min/max, line styles and overrides are Grafana's field config (as in Grafana's time
 * series panel); the legend and tooltip options are Grafana's too. Pure: inputs are never mutated.
 */
// the enums from @grafana/schema (@grafana/ui re-exports them), so that this file stays free of React components
import { LegendDisplayMode, SortOrder, TooltipDisplayMode } from '@grafana/schema';
import type { OptionsWithLegend, OptionsWithTooltip } from '@grafana/schema';

import { SEVERITIES } from '../../pkg/contract/rules';
import { DEFAULT_SEVERITY_COLORS } from '../constants';
import type { Severity } from '../../pkg/contract';

export const OPTIONS_VERSION = 3;

export type SeverityColors = Record<Severity, string>;

export interface VigilPanelOptions extends OptionsWithLegend, OptionsWithTooltip {
  optionsVersion: number;
  showBand: boolean;
  showExpected: boolean;
  showForecast: boolean;
  /** markers below this severity are hidden */
  minSeverity: Severity;
  /** marker colour per severity (Grafana colour names or CSS) */
  colors: SeverityColors;
}

export const DEFAULT_OPTIONS: VigilPanelOptions = {
  optionsVersion: OPTIONS_VERSION,
  showBand: true,
  showExpected: true,
  showForecast: true,
  minSeverity: 'warning',
  colors: { ...DEFAULT_SEVERITY_COLORS },
  legend: { showLegend: true, displayMode: LegendDisplayMode.List, placement: 'bottom', calcs: [] },
  tooltip: { mode: TooltipDisplayMode.Multi, sort: SortOrder.None },
};

function isSeverity(v: unknown): v is Severity {
  return typeof v === 'string' && (SEVERITIES as readonly string[]).includes(v);
}

const bool = (v: unknown, dflt: boolean) => (typeof v === 'boolean' ? v : dflt);
const obj = (v: unknown): Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : {};

/**
 * Bring saved panel options to the current version, filling defaults.
 *
 * - v1 (pre-release) stored `{ showBands?, showForecasts?, severityThreshold?: Severity | number, markerColors? }`; a
 *   numeric `severityThreshold` was a minimum score and maps to its severity band (75 critical, 50 major, 25 minor).
 * - v2 stored `{ showLegend: boolean, colors: { series, band, forecast, critical, major, minor, warning } }`: the
 *   legend switch becomes `legend.showLegend`; the series, band and forecast colours give way to the field config
 *   (a series' band and forecast take its colour), the severity colours stay.
 *
 * @param saved options as stored in the dashboard (any version, possibly empty)
 */
export function migrateOptions(saved: Record<string, unknown> | undefined): VigilPanelOptions {
  const o = saved ?? {};
  const colorsIn = obj(o.colors ?? o.markerColors);
  const colors: SeverityColors = { ...DEFAULT_SEVERITY_COLORS };
  for (const k of SEVERITIES) {
    if (typeof colorsIn[k] === 'string' && colorsIn[k]) colors[k] = colorsIn[k] as string;
  }
  let minSeverity: Severity = DEFAULT_OPTIONS.minSeverity;
  const sevIn = o.minSeverity ?? o.severityThreshold;
  if (isSeverity(sevIn)) minSeverity = sevIn;
  else if (typeof sevIn === 'number' && Number.isFinite(sevIn)) {
    minSeverity = sevIn >= 75 ? 'critical' : sevIn >= 50 ? 'major' : sevIn >= 25 ? 'minor' : 'warning';
  }
  const legendIn = obj(o.legend);
  const tooltipIn = obj(o.tooltip);
  return {
    optionsVersion: OPTIONS_VERSION,
    showBand: bool(o.showBand ?? o.showBands, DEFAULT_OPTIONS.showBand),
    showExpected: bool(o.showExpected, DEFAULT_OPTIONS.showExpected),
    showForecast: bool(o.showForecast ?? o.showForecasts, DEFAULT_OPTIONS.showForecast),
    minSeverity,
    colors,
    legend: {
      ...DEFAULT_OPTIONS.legend,
      ...legendIn,
      showLegend: bool(legendIn.showLegend ?? o.showLegend, DEFAULT_OPTIONS.legend.showLegend),
    } as VigilPanelOptions['legend'],
    tooltip: { ...DEFAULT_OPTIONS.tooltip, ...tooltipIn } as VigilPanelOptions['tooltip'],
  };
}
