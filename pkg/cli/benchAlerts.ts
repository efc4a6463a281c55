import * as path from 'node:path';
import { Command } from 'commander';
import { alertBudget } from '../bench/alerts/budget';

/**
 * `vigil bench alerts`: the alert budget of `vigil detect`'s defaults on a NAB-style corpus: events, false events
 * (outside every labelled window), series-weeks, false events per series-week and labelled windows hit. Prints a
 * table and, as its last line, the figures as one JSON object.
 */
export function benchAlertsCommand(): Command {
  return new Command('alerts')
    .description(
      "alert budget of vigil detect's defaults on a labelled NAB-style corpus (false events per series-week)"
    )
    .requiredOption('--data <dir>', 'NAB-style data directory: <category>/<file>.csv with timestamp,value')
    .requiredOption('--labels <file>', 'NAB combined_windows.json')
    .option('-q, --quiet', 'no progress on stderr')
    .action((o: { data: string; labels: string; quiet?: boolean }) => {
      const started = performance.now();
      const b = alertBudget(path.resolve(o.data), path.resolve(o.labels), {}, (file, k, n) => {
        if (!o.quiet) process.stderr.write(`[${k + 1}/${n}] ${file}\n`);
      });
      const seconds = (performance.now() - started) / 1000;
      const rows: [string, string][] = [
        ['series', String(b.files)],
        ['events', String(b.events)],
        ['events outside every labelled window', String(b.falseEvents)],
        ['series-weeks', b.seriesWeeks.toFixed(1)],
        ['false events per series-week', b.falsePerSeriesWeek.toFixed(2)],
        ['labelled windows hit', `${b.windowsHit} / ${b.windows}`],
      ];
      const out = rows.map(([k, v]) => `${k.padEnd(40)}${v}`);
      const worst = Object.entries(b.falseByFile)
        .sort((x, y) => y[1] - x[1])
        .slice(0, 5)
        .map(([f, c]) => `${f} ${c}`);
      if (worst.length) out.push(`most false events: ${worst.join(', ')}`);
      out.push(`detection ${seconds.toFixed(1)} s`);
      const { falseByFile: _omit, ...summary } = b;
      out.push(
        JSON.stringify({ ...summary, falsePerSeriesWeek: Math.round(summary.falsePerSeriesWeek * 1000) / 1000 })
      );
      process.stdout.write(`${out.join('\n')}\n`);
    });
}
