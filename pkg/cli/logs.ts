import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Command, InvalidArgumentError, Option } from 'commander';
import { parseNameList } from '../contract/rules';
import { formatInterval, parseInterval } from '../core/interval';
import { analyzeLogs, applyRules, type FieldedLogRecord } from '../logs/analyze';
import { loadGeoIp } from '../logs/geoip';
import { readLogRecords } from '../logs/logFile';
import type { LogEvent } from '../logs/logAnomalies';
import { Redactor } from '../logs/redact';
import type { RuleEvent } from '../logs/ruleEngine';
import { DEFAULT_RULES, loadRules } from '../logs/ruleFiles';

interface ReadFlags {
  header?: string;
  timeFormat?: string;
  year?: number;
  messageField?: string;
  timeField?: string;
  levelField?: string;
}

interface OutputFlags {
  rules: string[] | false;
  geoip?: string;
  redact?: boolean;
  redactionKey?: string;
  format: 'table' | 'json';
  out?: string;
  quiet?: boolean;
}

interface LogsFlags extends ReadFlags, OutputFlags {
  interval?: string;
  templates?: boolean;
}

function parseYear(v: string): number {
  const y = Number(v);
  if (!Number.isInteger(y) || y < 1970 || y > 9999) throw new InvalidArgumentError('a year such as 2024');
  return y;
}

function readOptions(cmd: Command): Command {
  return cmd
    .option(
      '--header <format>',
      'header format of text lines: a preset (syslog, log4j, iso-level), a loghub-style format ' +
        "('<Date> <Time> <Level> <Component>: <Content>') or a regular expression with named groups"
    )
    .option('--time-format <pattern>', 'date-fns pattern of the time fields (default: ISO 8601, epoch, common layouts)')
    .option('--year <year>', 'year of times written without one (syslog; default: this year)', parseYear)
    .option('--message-field <name>', 'NDJSON: message field (default: message, msg, log, content or text)')
    .option('--time-field <name>', 'NDJSON: time field (default: timestamp, @timestamp, time, ts or date)')
    .option('--level-field <name>', 'NDJSON: level field (default: level, severity, log.level or loglevel)');
}

function outputOptions(cmd: Command): Command {
  return cmd
    .option(
      '--rules <sources>',
      `rule files or folders, comma-separated ("${DEFAULT_RULES}": the default pack)`,
      parseNameList,
      [DEFAULT_RULES]
    )
    .option('--no-rules', 'run no rules')
    .option('--geoip <file>', 'MMDB country database (default: an installed database package, if any)')
    .option('--redact', 'replace client addresses, e-mail addresses, user names and secrets by pseudonyms')
    .option(
      '--redaction-key <key>',
      'HMAC key of the pseudonyms (default: $VIGIL_REDACTION_KEY; without a key, --redact masks)'
    )
    .addOption(new Option('--format <format>', 'output format').choices(['table', 'json']).default('table'))
    .option('--out <path>', 'write the output to a file instead of stdout')
    .option('-q, --quiet', 'no progress on stderr');
}

async function readAll(file: string, flags: ReadFlags, quiet?: boolean): Promise<FieldedLogRecord[]> {
  const records: FieldedLogRecord[] = [];
  let unmatched = [0, 0];
  for await (const r of readLogRecords(file, {
    header: flags.header,
    timeFormat: flags.timeFormat,
    year: flags.year,
    messageField: flags.messageField,
    timeField: flags.timeField,
    levelField: flags.levelField,
    onUnmatched: (a, d) => (unmatched = [a, d]),
  })) {
    records.push(r);
    if (!quiet && records.length % 100_000 === 0) process.stderr.write(`  ${records.length} lines read\n`);
  }
  if (!quiet && (unmatched[0] || unmatched[1])) {
    process.stderr.write(
      `vigil: ${unmatched[0]} lines did not match the header and were appended to the line before` +
        (unmatched[1] ? `, ${unmatched[1]} before the first match were dropped` : '') +
        '\n'
    );
  }
  return records;
}

function redactor(flags: OutputFlags): Redactor | null {
  if (!flags.redact) return null;
  const key = flags.redactionKey ?? process.env.VIGIL_REDACTION_KEY;
  return new Redactor(key ? { key } : {});
}

async function emit(text: string, out?: string): Promise<void> {
  if (out) await writeFile(out, text.endsWith('\n') ? text : `${text}\n`);
  else process.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
}

const iso = (t: number) => (Number.isFinite(t) ? new Date(t).toISOString().replace('.000Z', 'Z') : '-');
const clip = (s: string, n: number) => (s.length > n ? `${s.slice(0, n - 1)}…` : s);

function table(header: string[], rows: string[][]): string[] {
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c].length)));
  const row = (r: string[]) =>
    '  ' +
    r
      .map((x, c) => x.padEnd(widths[c]))
      .join('  ')
      .trimEnd();
  return [row(header), ...rows.map(row)];
}

function ruleLines(events: RuleEvent[]): string[] {
  if (events.length === 0) return ['Rule hits: none'];
  const out = ['Rule hits'];
  out.push(
    ...table(
      ['start (UTC)', 'end', 'rule', 'key', 'lines', 'severity'],
      events.map((e) => [iso(e.start), iso(e.end), e.rule, e.key ?? '', String(e.count), e.severity])
    )
  );
  for (const e of events.slice(0, 20)) {
    out.push('', `  ${e.rule}${e.key ? ` ${e.key}` : ''}: ${e.explanation}`);
    for (const x of e.examples.slice(0, 3))
      out.push(`    ${x.line !== undefined ? `${x.line}: ` : ''}${clip(x.message, 160)}`);
  }
  return out;
}

function anomalyLines(events: LogEvent[]): string[] {
  const shown = [
    ...events.filter((e) => e.score >= 50),
    ...events
      .filter((e) => e.score < 50)
      .sort((a, b) => b.score - a.score || a.start - b.start)
      .slice(0, 10),
  ];
  if (shown.length === 0) return ['Log anomalies: none'];
  const rows = shown.map((e) => [
    iso(e.start),
    e.severity,
    String(Math.round(e.score)),
    String(e.count),
    Object.keys(e.detectors).join(','),
    clip(e.kind === 'window' ? e.explanation : (e.template ?? ''), 80),
  ]);
  return [
    `Log anomalies (${events.filter((e) => e.score >= 50).length} major or critical; the 10 strongest others)`,
    ...table(['start (UTC)', 'severity', 'score', 'lines', 'signals', 'template'], rows),
  ];
}

/** `vigil logs <file>`: templates, log anomalies and rule hits of a log file. */
export function logsCommand(): Command {
  const cmd = new Command('logs')
    .description(
      'mine log templates, find log anomalies and run rules on a log file (text or NDJSON, optionally gzipped)'
    )
    .argument('<file>', 'log file: raw text (see --header) or NDJSON, optionally .gz');
  readOptions(cmd);
  cmd
    .option('--interval <duration>', 'interval of the per-template counts, e.g. 5m, 1h (default: from the span)')
    .option('--templates', 'list every template with its count');
  outputOptions(cmd);
  return cmd
    .addHelpText(
      'after',
      `
Examples:
  vigil logs /var/log/auth.log --header syslog
  vigil logs HDFS_2k.log --header '<Date> <Time> <Pid> <Level> <Component>: <Content>' --templates
  vigil logs logs.json.gz --format json --out analysis.json`
    )
    .action(async (file: string, flags: LogsFlags) => {
      const started = Date.now();
      const intervalMs = flags.interval ? parseInterval(flags.interval, '--interval') : undefined;
      const rules = flags.rules === false ? [] : loadRules(flags.rules);
      const geoip = loadGeoIp(flags.geoip);
      const records = await readAll(file, flags, flags.quiet);
      const analysis = analyzeLogs(records, { intervalMs, rules, enrich: { geoip } });
      const r = redactor(flags);
      const clean = <T>(v: T): T => (r ? r.deep(v) : v);
      const a = {
        ...analysis,
        templates: clean(analysis.templates),
        events: clean(analysis.events),
        ruleEvents: clean(analysis.ruleEvents),
      };
      const anomalous = a.anomalous.reduce((s, x) => s + x, 0);
      if (flags.format === 'json') {
        await emit(
          JSON.stringify(
            {
              file: path.basename(file),
              lines: records.length,
              intervalMs: a.intervalMs,
              anomalousLines: anomalous,
              templates: a.templates,
              events: a.events,
              ruleEvents: a.ruleEvents,
              geoSource: a.geoSource,
              warnings: a.warnings,
            },
            (_k, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? null : v)
          ),
          flags.out
        );
        return;
      }
      const times = records.map((x) => x.time).filter(Number.isFinite);
      const out: string[] = [
        `Vigil logs on ${path.basename(file)}`,
        `  lines:      ${records.length}` +
          (times.length ? `, ${iso(Math.min(...times))} to ${iso(Math.max(...times))}` : ', no times'),
        `  templates:  ${a.templates.length}`,
        `  anomalies:  ${a.events.length} events at ${a.intervalMs ? formatInterval(a.intervalMs) : '-'} intervals, ${anomalous} lines report a fault`,
        `  rules:      ${rules.length} rules, ${a.ruleEvents.length} hits; countries: ${a.geoSource ?? 'no database installed'}`,
        `  time:       ${((Date.now() - started) / 1000).toFixed(2)} s`,
        ...a.warnings.map((w) => `  warning:    ${w}`),
        '',
        ...ruleLines(a.ruleEvents),
        '',
        ...anomalyLines(a.events),
      ];
      if (flags.templates) {
        out.push('', 'Templates');
        out.push(
          ...table(
            ['id', 'lines', 'template'],
            a.templates.map((t) => [t.id, String(t.count), clip(t.template, 120)])
          )
        );
      }
      await emit(out.join('\n'), flags.out);
    });
}

/** `vigil rules <file>`: run the rule pack (or given rules) over a log file and print the hits. */
export function rulesCommand(): Command {
  const cmd = new Command('rules')
    .description('run security rules (the default pack, or YAML rule files) over a log file and print the hits')
    .argument('<file>', 'log file: raw text (see --header) or NDJSON, optionally .gz');
  readOptions(cmd);
  outputOptions(cmd);
  return cmd
    .addHelpText(
      'after',
      `
Examples:
  vigil rules /var/log/auth.log --header syslog
  vigil rules access.log.gz --header '<Content>' --rules default,./my-rules
  vigil rules logs.json.gz --format json`
    )
    .action(async (file: string, flags: ReadFlags & OutputFlags) => {
      const rules = flags.rules === false ? [] : loadRules(flags.rules);
      const records = await readAll(file, flags, flags.quiet);
      const run = applyRules(records, rules, { geoip: loadGeoIp(flags.geoip) });
      const r = redactor(flags);
      const events = r ? r.deep(run.ruleEvents) : run.ruleEvents;
      if (flags.format === 'json') {
        await emit(JSON.stringify({ file: path.basename(file), lines: records.length, ruleEvents: events }), flags.out);
        return;
      }
      const out = [
        `Vigil rules on ${path.basename(file)}: ${records.length} lines, ${rules.length} rules, ${events.length} hits`,
        '',
        ...ruleLines(events),
      ];
      await emit(out.join('\n'), flags.out);
    });
}
