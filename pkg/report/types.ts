import type { Labels } from '../core/series';
import type { Severity } from '../contract/rules';
import type { Incident, IncidentEvent, IncidentJob } from '../incidents/types';

/** Bucket of a report's timeline: one row per day or per week (weeks start on Monday, UTC). */
export type ReportPeriod = '1d' | '1w';

/** A series' scored points, for the report's incident charts. Times epoch ms. */
export interface ReportSeries {
  jobId: string;
  labels: Labels;
  intervalMs: number;
  points: {
    t: number;
    value: number | null;
    expected: number | null;
    lower: number | null;
    upper: number | null;
    anomaly: boolean;
    /** the point's anomaly score 0-100, when known (notable points below the alert threshold feed recurring patterns) */
    score?: number | null;
  }[];
}

/** A known incident window (ground truth), epoch ms, `end` inclusive. */
export interface TruthWindow {
  start: number;
  end: number;
}

/** A user's verdict on an anomaly event (feedback). */
export interface TruthVerdict {
  eventId: string;
  verdict: 'false_positive' | 'expected' | 'confirmed';
}

/** Ground truth for precision, recall and F1: known windows (NAB format), or feedback verdicts. */
export type GroundTruth =
  { kind: 'windows'; source: string; windows: TruthWindow[] } | { kind: 'feedback'; verdicts: TruthVerdict[] };

/** What a report is built from. */
export interface ReportInput {
  /** e.g. `Vigil report: logs.json.gz` */
  title: string;
  /** what was analysed, in words: a file name or the jobs */
  source: string;
  /** the range covered, epoch ms (`to` exclusive) */
  from: number;
  to: number;
  period: ReportPeriod;
  /** when the report was made, epoch ms (passed in: building a report reads no clock) */
  generatedAt: number;
  events: readonly IncidentEvent[];
  /** the jobs by id (criticality, names); a file is one job */
  jobs: Record<string, IncidentJob>;
  /** incidents to report; default: grouped from `events` (see `groupIncidents`) */
  incidents?: readonly Incident[];
  /** scored series for the incident charts (optional) */
  series?: readonly ReportSeries[];
  truth?: GroundTruth;
  /** hours either side that still count as "the same hour" for recurring patterns (default 0: the exact hour) */
  patternToleranceHours?: number;
}

/** Counts by severity. */
export type SeverityCounts = Record<Severity, number>;

/** One bucket of the timeline (a day or a week). */
export interface TimelineBucket {
  /** bucket start, epoch ms (UTC midnight; Monday for weeks) */
  start: number;
  /** `2018-08-21` for a day, `week of 2018-08-20` for a week */
  label: string;
  incidents: number;
  events: number;
  bySeverity: SeverityCounts;
}

/** Incidents and events that started in one hour of the day (UTC). */
export interface HourBucket {
  hour: number;
  incidents: number;
  events: number;
}

/** The same feature anomalous at (about) the same hour on several days. */
export interface RecurringPattern {
  /** the series, e.g. `bytes` or `requests{host="a"}` (with the job when the report covers several) */
  feature: string;
  /** hours of day (UTC) the pattern covers, in time order (23, 0 across midnight) */
  hours: number[];
  /** `05:00-07:00 UTC` */
  hourLabel: string;
  /** days (`YYYY-MM-DD`) with an anomaly of this feature in those hours, ascending */
  days: string[];
  /** the direction of the excursions */
  direction: 'above' | 'below';
}

/** A contributing feature across the whole report. */
export interface ReportFeature {
  name: string;
  /** share of all evidence, 0-1 */
  share: number;
  /** incidents it took part in */
  incidents: number;
  /** highest anomaly score 0-100 */
  peakScore: number;
}

/** Precision, recall and F1 against ground truth (event level: an incident counts once). */
export interface Accuracy {
  /** `labels file <name>` or `feedback` */
  source: string;
  /** incidents that overlap a known window / were confirmed */
  truePositives: number;
  /** incidents that overlap no window / were judged false positive or expected */
  falsePositives: number;
  /** known windows no incident overlaps (windows only) */
  falseNegatives?: number;
  /** known windows and how many were found (windows only) */
  windows?: number;
  windowsFound?: number;
  /** incidents without a verdict (feedback only) */
  unjudged?: number;
  precision: number | null;
  /** null with feedback only: feedback cannot show what was missed */
  recall: number | null;
  f1: number | null;
}

/** The executive summary: paragraphs of plain words, and where they came from. */
export interface ReportSummary {
  paragraphs: string[];
  /** `figures`: Vigil's deterministic text; `model`: rewritten by the configured language model */
  by: 'figures' | 'model';
  model?: string;
  /** why the model's text was not used, when it was asked and failed */
  fallbackReason?: string;
}

/** A report: everything its renderers show. Plain JSON. */
export interface Report {
  title: string;
  source: string;
  from: number;
  to: number;
  period: ReportPeriod;
  generatedAt: number;
  summary: ReportSummary;
  totals: {
    incidents: number;
    events: number;
    /** series analysed (when the report has them), else series with an anomaly */
    series: number;
    /** series with at least one anomaly event */
    anomalousSeries: number;
    days: number;
    bySeverity: SeverityCounts;
  };
  /** the incidents in triage order (highest first) */
  incidents: Incident[];
  /** ids of the incidents the summary names first */
  headline: string[];
  timeline: TimelineBucket[];
  byHour: HourBucket[];
  recurring: RecurringPattern[];
  /** every (UTC day, hour) with an anomalous point, with the highest anomaly score there */
  hourCells: { day: number; hour: number; score: number }[];
  /** contributing metrics across all incidents, highest share first */
  topFeatures: ReportFeature[];
  /** contributing series across all incidents, highest share first */
  topSeries: ReportFeature[];
  /** each detector's share of the evidence */
  detectors: ReportFeature[];
  accuracy?: Accuracy;
  patternToleranceHours: number;
}
