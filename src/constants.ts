import { DETECTOR_CATALOG } from '../pkg/contract/detectors';
import type { Severity } from '../pkg/contract/rules';

export const APP_ID = 'vigil-anomaly-app';
export const DATASOURCE_ID = 'vigil-anomaly-datasource';
export const PANEL_ID = 'vigil-anomaly-panel';

/** Path of the data source proxy route (plugin.json `routes[].path`) that reaches the engine with the token. */
export const ENGINE_ROUTE = 'engine';

/** Base URL of the app's pages inside Grafana. */
export const APP_BASE_URL = `/a/${APP_ID}`;

/** Rank of a severity, higher is worse; used for the panel's minimum-severity filter. */
export const SEVERITY_RANK: Record<Severity, number> = { warning: 0, minor: 1, major: 2, critical: 3 };

/** Default marker colours by severity (Grafana palette names, resolved through the theme). */
export const DEFAULT_SEVERITY_COLORS: Record<Severity, string> = {
  critical: 'red',
  major: 'orange',
  minor: 'yellow',
  warning: 'blue',
};

/** Display names of detectors in the editors (presentation only; a detector without one shows its name). */
const DETECTOR_LABELS: Record<string, string> = {
  zscore: 'Rolling z-score',
  mad: 'Robust MAD',
  iqr: 'IQR fences',
  spike: 'Spike',
  seasonal: 'Seasonal (MSTL)',
  ets: 'ETS forecast',
  prophet: 'Prophet forecast',
  isolationForest: 'Isolation Forest',
};

/** Detectors the editors offer: the engine's registry, through the contract's generated catalogue. */
export const KNOWN_DETECTORS = DETECTOR_CATALOG.map((d) => ({
  value: d.name,
  label: DETECTOR_LABELS[d.name] ?? d.name,
  description: d.description,
}));

export const DEFAULT_SENSITIVITY = 6;
export const DEFAULT_HORIZON = 48;
