import * as path from 'node:path';
import { InputError } from '../../core/errors';
import { detect, type DetectOptions } from '../../pipeline/detect';
import { listDataFiles, readNabCsv, readWindows } from '../nab/corpus';

/** The alert budget of `vigil detect`'s defaults on a labelled corpus. */
export interface AlertBudget {
  files: number;
  /** events `vigil detect` reports over all files */
  events: number;
  /** events that overlap no labelled window */
  falseEvents: number;
  /** total duration of the series, in weeks of one series */
  seriesWeeks: number;
  /** false events per series-week */
  falsePerSeriesWeek: number;
  /** labelled windows that at least one event overlaps, and all windows */
  windowsHit: number;
  windows: number;
  /** false events per file (files with none left out) */
  falseByFile: Record<string, number>;
}

const WEEK_MS = 7 * 86_400_000;

/**
 * Run `vigil detect`'s default detection (the detection pipeline, as a user gets it) on every series of a NAB-style
 * corpus and count what an on-call engineer would receive: events, the events outside every labelled window (false
 * alerts), the series-weeks watched, false events per series-week, and the labelled windows that some event overlaps.
 *
 * @param dataDir `<category>/<file>.csv` series with `timestamp,value`
 * @param labelsFile NAB `combined_windows.json`
 * @throws InputError for an unreadable corpus or a series without labels
 */
export function alertBudget(
  dataDir: string,
  labelsFile: string,
  options: DetectOptions = {},
  onFile?: (file: string, index: number, count: number) => void
): AlertBudget {
  const labels = readWindows(labelsFile);
  const files = listDataFiles(dataDir);
  const budget: AlertBudget = {
    files: files.length,
    events: 0,
    falseEvents: 0,
    seriesWeeks: 0,
    falsePerSeriesWeek: 0,
    windowsHit: 0,
    windows: 0,
    falseByFile: {},
  };
  files.forEach((file, k) => {
    const windows = labels.get(file);
    if (!windows) throw new InputError(`no labels for "${file}"`, { file: labelsFile });
    const table = readNabCsv(path.join(dataDir, file));
    const values = table.columns.value;
    if (!values) throw new InputError('no "value" column', { file });
    const ts = table.timestamps;
    const report = detect([{ labels: { file }, timestamps: ts, values }], options);
    budget.seriesWeeks += ts.length > 1 ? (ts[ts.length - 1] - ts[0]) / WEEK_MS : 0;
    budget.windows += windows.length;
    const hit = new Set<number>();
    for (const e of report.anomalies) {
      budget.events++;
      const w = windows.findIndex(([a, b]) => e.start <= b && e.end >= a);
      if (w >= 0) hit.add(w);
      else {
        budget.falseEvents++;
        budget.falseByFile[file] = (budget.falseByFile[file] ?? 0) + 1;
      }
    }
    budget.windowsHit += hit.size;
    onFile?.(file, k, files.length);
  });
  budget.falsePerSeriesWeek = budget.seriesWeeks > 0 ? budget.falseEvents / budget.seriesWeeks : 0;
  return budget;
}
