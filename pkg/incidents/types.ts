import type { Labels } from '../core/series';
import type { Criticality } from '../contract/incidents';
import type { AnomalyEvent } from '../contract/results';
import type { Severity } from '../contract/rules';

/** How much an asset matters to the business, set on a job (default `medium`); levels least to most critical. */
export { CRITICALITIES, type Criticality } from '../contract/incidents';

/** `open` while anomalies keep arriving, `resolved` once the series involved have been quiet long enough. */
export type IncidentStatus = 'open' | 'resolved';

/**
 * An anomaly event as incidents see it: the event, the job it came from and the grid of its series.
 * The event covers `[start, end + intervalMs)` (its `end` is the time of its last anomalous point).
 */
export interface IncidentEvent extends AnomalyEvent {
  /** the stored anomaly's id; when absent one is derived from the job, series and start */
  id?: string;
  jobId: string;
  /** grid spacing of the event's series, ms (> 0) */
  intervalMs: number;
}

/** What incidents need to know about a job. */
export interface IncidentJob {
  id: string;
  name: string;
  /** default `medium` */
  criticality?: Criticality;
  /** a page the on-call engineer should open; repeated by every notification */
  runbookUrl?: string;
  /** Grafana dashboard and panel that show the job, for links and annotations */
  dashboardUid?: string;
  panelId?: number;
}

/** A series, metric or detector that contributed to an incident, with its share of the evidence. */
export interface ContributingFeature {
  /** series: `job / {labels}`; metric: the `__name__` label (or `value`); detector: its name */
  name: string;
  /** share of the incident's evidence, 0-1 (the shares of one kind sum to 1) */
  share: number;
  /** highest anomaly score (0-100) this feature reached in the incident */
  peakScore: number;
  /** series only: the series' labels and job */
  labels?: Labels;
  jobId?: string;
  /** series and metrics only: the direction of the largest excursion */
  direction?: 'above' | 'below';
}

/** A point that shows the incident: an event's peak. Times epoch ms. */
export interface ExamplePoint {
  t: number;
  jobId: string;
  series: string;
  labels: Labels;
  actual: number;
  expected: number;
  /** anomaly score 0-100 */
  score: number;
  direction: 'above' | 'below';
}

/** The parts of the triage score (each 0-1) so a user can see why an incident ranks where it does. */
export interface TriageParts {
  /** peak anomaly score / 100 */
  score: number;
  /** how many series agree: 1 - 2^-(series - 1) */
  series: number;
  /** share of detectors that voted at the peaks (score-weighted mean confidence) */
  detectors: number;
  /** duration on a log scale, 1 at four hours or more */
  duration: number;
  /** the job's criticality: low 0.25, medium 0.5, high 0.75, critical 1 */
  criticality: number;
}

/** What kind of incident this looks like, in plain words (see `incidentKind`). */
export type IncidentKind = 'outage' | 'error burst' | 'spike' | 'drop' | 'mixed';

/**
 * Events that overlap in time within a job, or across jobs by shared labels, as one thing to look at.
 * Times are epoch ms; `end` is exclusive (the end of the last anomalous point's interval).
 */
export interface Incident {
  /** stable for the incident's life: derived from its first event */
  id: string;
  status: IncidentStatus;
  /** short, e.g. `web: requests, unique_clients and bytes dropped to zero` */
  title: string;
  /** one or two sentences with the figures */
  summary: string;
  kind: IncidentKind;
  start: number;
  end: number;
  /** when the incident was opened, last changed and resolved (engine time) */
  openedAt: number;
  updatedAt: number;
  resolvedAt?: number;
  /** triage score 0-1 (see `triageScore`) and its parts */
  triage: number;
  triageParts: TriageParts;
  /** from the peak anomaly score's band shifted by criticality (see `incidentSeverity`) */
  severity: Severity;
  /** highest anomaly score (0-100) of its events */
  peakScore: number;
  /** the highest criticality among its jobs */
  criticality: Criticality;
  jobs: { id: string; name: string }[];
  /** labels every event shares (except `__name__`) */
  labels: Labels;
  series: ContributingFeature[];
  metrics: ContributingFeature[];
  detectors: ContributingFeature[];
  /** up to five event peaks, highest score first */
  examples: ExamplePoint[];
  runbookUrl?: string;
  /** Grafana dashboard and panel of the most critical job that names one */
  dashboardUid?: string;
  panelId?: number;
  /** ids of its events (stored anomaly ids) */
  eventIds: string[];
}
