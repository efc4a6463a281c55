import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Command, InvalidArgumentError, Option } from 'commander';
import { InputError } from '../core/errors';
import { isCriticality } from '../incidents/triage';
import type { Criticality } from '../incidents/types';
import { windowsFromLabels } from '../report/accuracy';
import { fromDetection } from '../report/fromDetection';
import { bucketStart, buildReport } from '../report/model';
import { REPORT_FORMATS, renderReport, type ReportFormat } from '../report/render';
import { rewriteSummary } from '../report/rewrite';
import type { GroundTruth, ReportPeriod } from '../report/types';
import { addDetectionOptions, detectFile, type DetectionFlags } from './detect';
import { parseTimeFlag } from './input';

interface ReportFlags extends DetectionFlags {
  period: ReportPeriod;
  format: ReportFormat;
  out?: string;
  title?: string;
  from?: string;
  to?: string;
  labels?: string;
  criticality: Criticality;
  runbookUrl?: string;
  patternTolerance: number;
  summaryUrl?: string;
  summaryModel?: string;
}

/**
 * `vigil report <file>`: detect on a file (with `vigil detect`'s options), group the anomalies into incidents and
 * write a report (Markdown, HTML, PDF or JSON) with the executive summary, incidents by day and hour, recurring
 * patterns, contributing features, detector shares, charts and, with `--labels`, precision/recall/F1.
 */
export function reportCommand(): Command {
  return addDetectionOptions(
    new Command('report')
      .description(
        'detect anomalies in a file and write a report: summary, incidents, patterns, charts (md, html, pdf, json)'
      )
      .argument(
        '<file>',
        'CSV or NDJSON file, optionally .gz, or an index URL with --since/--until (as for vigil detect)'
      )
  )
    .addOption(
      new Option('--period <period>', 'timeline buckets: daily (1d) or weekly (1w) summaries')
        .choices(['1d', '1w'])
        .default('1d')
    )
    .addOption(new Option('--format <format>', 'output format').choices([...REPORT_FORMATS]).default('md'))
    .option(
      '--out <path>',
      'write the report here (required for pdf on a terminal); md also writes its charts beside it'
    )
    .option('--title <text>', 'report title (default: "Vigil report: <file>")')
    .option('--from <time>', 'report only incidents from this time (ISO 8601, UTC when no zone)')
    .option('--to <time>', 'report only incidents before this time')
    .option('--labels <file>', 'known incident windows (NAB combined_windows.json format) for precision/recall/F1')
    .addOption(
      new Option('--criticality <level>', 'asset criticality of what the file describes')
        .choices(['low', 'medium', 'high', 'critical'])
        .default('medium')
    )
    .option('--runbook-url <url>', 'runbook link repeated in the report')
    .option(
      '--pattern-tolerance <hours>',
      'hours either side that still count as the same hour (0-3)',
      parseTolerance,
      0
    )
    .option(
      '--summary-url <url>',
      'OpenAI-compatible API (e.g. http://localhost:8080/v1) to rewrite the summary; key from VIGIL_SUMMARY_API_KEY'
    )
    .option('--summary-model <name>', 'model name for --summary-url', 'default')
    .option('-q, --quiet', 'no progress on stderr')
    .addHelpText(
      'after',
      `
Examples:
  vigil report logs.json.gz --interval 1h --status-field response --client-field clientip --format pdf --out report.pdf
  vigil report metrics.csv --period 1w --format html --out weekly.html
  vigil report data.csv --labels combined_windows.json --format json`
    )
    .action(async (file: string, flags: ReportFlags) => {
      if (!isCriticality(flags.criticality))
        throw new InvalidArgumentError('--criticality: low, medium, high or critical');
      if (flags.format === 'pdf' && !flags.out && process.stdout.isTTY) {
        throw new InvalidArgumentError('--format pdf writes binary data: give --out report.pdf');
      }
      let truth: GroundTruth | undefined;
      if (flags.labels) {
        let doc: unknown;
        try {
          doc = JSON.parse(await readFile(flags.labels, 'utf8'));
        } catch (err) {
          throw new InputError(`--labels ${flags.labels}: ${(err as Error).message}`);
        }
        truth = {
          kind: 'windows',
          source: path.basename(flags.labels),
          windows: windowsFromLabels(doc, flags.labels, file),
        };
      }
      const { report: detection } = await detectFile(file, flags);
      const jobId = path.basename(file);
      const { events, series, from: dataFrom, to: dataTo } = fromDetection(detection, jobId);
      const from = flags.from ? parseTimeFlag(flags.from, '--from') : bucketStart(dataFrom ?? 0, '1d');
      const to = flags.to ? parseTimeFlag(flags.to, '--to') : (dataTo ?? from + 86_400_000);
      if (!(from < to)) throw new InputError(`--from must be before --to`);
      let report = buildReport({
        title: flags.title ?? `Vigil report: ${jobId}`,
        source: jobId,
        from,
        to,
        period: flags.period,
        generatedAt: Date.now(),
        events,
        jobs: { [jobId]: { id: jobId, name: jobId, criticality: flags.criticality, runbookUrl: flags.runbookUrl } },
        series,
        truth,
        patternToleranceHours: flags.patternTolerance,
      });
      if (flags.summaryUrl) {
        const summary = await rewriteSummary(report, {
          url: flags.summaryUrl,
          model: flags.summaryModel ?? 'default',
          apiKey: process.env.VIGIL_SUMMARY_API_KEY,
        });
        if (summary.fallbackReason && !flags.quiet) {
          process.stderr.write(`vigil: kept the generated summary: ${summary.fallbackReason}\n`);
        }
        report = { ...report, summary };
      }
      const chartDir = flags.out && flags.format === 'md' ? `${flags.out.replace(/\.md$/i, '')}-charts` : undefined;
      const rendered = await renderReport(report, flags.format, {
        series,
        chartLink: chartDir ? (c) => `${path.basename(chartDir)}/${c.id}.svg` : undefined,
      });
      if (flags.out) {
        await writeFile(flags.out, rendered.body);
        if (chartDir) {
          await mkdir(chartDir, { recursive: true });
          for (const c of rendered.charts) await writeFile(path.join(chartDir, `${c.id}.svg`), c.svg);
        }
        if (!flags.quiet) {
          process.stderr.write(
            `wrote ${flags.out} (${report.totals.incidents} incidents from ${report.totals.events} anomaly events)\n`
          );
        }
      } else {
        process.stdout.write(rendered.body);
      }
    });
}

function parseTolerance(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0 || n > 3) throw new InvalidArgumentError('must be a whole number from 0 to 3');
  return n;
}
