/**
 * Options of the Vigil overlay panel, their defaults, and the migration of options saved by older
 * versions of the panel. Pure: inputs are never mutated.
 */
import { SEVERITIES } from '../../pkg/contract/rules';
import { DEFAULT_SEVERITY_COLORS } from '../constants';
import type { Severity } from '../../pkg/contract';

export const OPTIONS_VERSION = 2;

export interface PanelColors {
  series: string;
  band: string;
  forecast: string;
  critical: string;
  major: string;
  minor: string;
  warning: string;
}

export interface VigilPanelOptions {
  optionsVersion: number;
  showBand: boolean;
  showExpected: boolean;
  showForecast: boolean;
  /** markers below this severity are hidden */
  minSeverity: Severity;
  showLegend: boolean;
  colors: PanelColors;
}

export const DEFAULT_COLORS: PanelColors = {
  series: 'text',
  band: 'blue',
  forecast: 'purple',
  ...DEFAULT_SEVERITY_COLORS,
};

export const DEFAULT_OPTIONS: VigilPanelOptions = {
  optionsVersion: OPTIONS_VERSION,
  showBand: true,
  showExpected: true,
  showForecast: true,
  minSeverity: 'warning',
  showLegend: true,
  colors: { ...DEFAULT_COLORS },
};

function isSeverity(v: unknown): v is Severity {
  return typeof v === 'string' && (SEVERITIES as readonly string[]).includes(v);
}

const bool = (v: unknown, dflt: boolean) => (typeof v === 'boolean' ? v : dflt);

/**
 * Bring saved panel options to the current version, filling defaults.
 *
 * v1 (pre-release) stored `{ showBands?: boolean, showForecasts?: boolean, severityThreshold?: Severity | number,
 * markerColors?: Partial<Record<Severity, string>> }`; a numeric `severityThreshold` was a minimum score and
 * maps to its severity band (75 critical, 50 major, 25 minor).
 *
 * @param saved options as stored in the dashboard (any version, possibly empty)
 */
export function migrateOptions(saved: Record<string, unknown> | undefined): VigilPanelOptions {
  const o = saved ?? {};
  const colorsIn = (o.colors ?? o.markerColors ?? {}) as Record<string, unknown>;
  const colors: PanelColors = { ...DEFAULT_COLORS };
  for (const k of Object.keys(DEFAULT_COLORS) as Array<keyof PanelColors>) {
    if (typeof colorsIn[k] === 'string' && colorsIn[k]) colors[k] = colorsIn[k] as string;
  }
  let minSeverity: Severity = DEFAULT_OPTIONS.minSeverity;
  const sevIn = o.minSeverity ?? o.severityThreshold;
  if (isSeverity(sevIn)) minSeverity = sevIn;
  else if (typeof sevIn === 'number' && Number.isFinite(sevIn)) {
    minSeverity = sevIn >= 75 ? 'critical' : sevIn >= 50 ? 'major' : sevIn >= 25 ? 'minor' : 'warning';
  }
  return {
    optionsVersion: OPTIONS_VERSION,
    showBand: bool(o.showBand ?? o.showBands, DEFAULT_OPTIONS.showBand),
    showExpected: bool(o.showExpected, DEFAULT_OPTIONS.showExpected),
    showForecast: bool(o.showForecast ?? o.showForecasts, DEFAULT_OPTIONS.showForecast),
    minSeverity,
    showLegend: bool(o.showLegend, DEFAULT_OPTIONS.showLegend),
    colors,
  };
}
