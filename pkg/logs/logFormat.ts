/**
 * Header formats of raw log lines: what comes before the message (time, level, component, ...) and the message
 * itself.
 *
 * Two ways to say it:
 * - loghub's log format (logpai/logparser, Zhu et al., ICSE-SEIP 2019): fields in angle brackets separated by the
 *   text between them, e.g. `<Date> <Time> <Pid> <Level> <Component>: <Content>`; as in loghub's benchmark
 *   settings, the text between fields is regular-expression text (write `\[`, `\(`, `\.` for literal brackets,
 *   parentheses and dots; `(\[<PID>\])?` makes a part optional) and a run of spaces matches any run of
 *   whitespace; `<Content>` is the message;
 * - a JavaScript regular expression with named groups, e.g. `^(?<time>\S+ \S+) (?<level>[A-Z]+) (?<message>.*)$`;
 *   a group named `content`, `message` or `msg` (any case) is the message.
 *
 * Field roles are found by name, case-insensitively: the message (`Content`, `message`, `msg`), the level
 * (`Level`, `severity`, `loglevel`), the time (`Timestamp`, `datetime`, `time`+`date`, `Month`+`Day`+`Time`, ...).
 */

import { ParameterError } from '../core/errors';

/** A compiled header format. */
export interface LogFormat {
  /** the format as written */
  source: string;
  regex: RegExp;
  /** group names in order */
  fields: string[];
  /** the group holding the message */
  messageField: string;
}

/** Named formats users can ask for by name. */
export const LOG_FORMAT_PRESETS: Readonly<Record<string, string>> = {
  /** BSD syslog (RFC 3164) as /var/log files hold it: `Jun 14 15:16:01 host sshd[19939]: message` */
  syslog: '<Month> <Day> <Time> <Host> <Component>: <Content>',
  /** ISO time, level and message: `2024-01-02T03:04:05Z ERROR message` */
  'iso-level': '<Timestamp> <Level> <Content>',
  /** log4j's common layout: `2015-10-18 18:01:47,978 INFO [main] org.x.Y: message` */
  log4j: '<Date> <Time> <Level> \\[<Thread>\\] <Component>: <Content>',
};

const MESSAGE_NAMES = ['content', 'message', 'msg'];

/**
 * Compile a header format: a preset name, a loghub-style format with `<Field>` placeholders, or a regular
 * expression with named groups.
 *
 * @throws ParameterError when the format names no message field, has a field name that is not an identifier,
 *   repeats a field, or is not a valid regular expression
 */
export function compileLogFormat(format: string): LogFormat {
  if (typeof format !== 'string' || format.trim() === '') throw new ParameterError('log format: empty');
  const source = LOG_FORMAT_PRESETS[format] ?? format;
  const placeholders = /<([A-Za-z_][A-Za-z0-9_]*)>/;
  let regex: RegExp;
  let fields: string[];
  if (placeholders.test(source) && !/\(\?<[A-Za-z_]/.test(source)) {
    const parts = source.split(/(<[A-Za-z_][A-Za-z0-9_]*>)/);
    fields = [];
    let pattern = '^';
    parts.forEach((part, i) => {
      if (i % 2 === 0) {
        pattern += part.replace(/ +/g, '\\s+');
        return;
      }
      const name = part.slice(1, -1);
      if (fields.includes(name)) throw new ParameterError(`log format: field <${name}> appears twice in "${source}"`);
      fields.push(name);
      const last = parts.slice(i + 1).every((p, k) => k % 2 === 1 || p === '');
      pattern += `(?<${name}>${last ? '.*' : '.*?'})`;
    });
    try {
      regex = new RegExp(`${pattern}$`);
    } catch (err) {
      throw new ParameterError(`log format "${source}": ${(err as Error).message}`);
    }
  } else {
    try {
      regex = new RegExp(source);
    } catch (err) {
      throw new ParameterError(`log format: not a valid regular expression: ${(err as Error).message}`);
    }
    fields = [...source.matchAll(/\(\?<([A-Za-z_][A-Za-z0-9_]*)>/g)].map((m) => m[1]);
  }
  const messageField = fields.find((f) => MESSAGE_NAMES.includes(f.toLowerCase()));
  if (!messageField) {
    throw new ParameterError(
      `log format "${source}" has no message field: name one <Content> (or a group named content, message or msg)`
    );
  }
  return { source, regex, fields, messageField };
}

/** A line split by its header format. */
export interface ParsedLine {
  /** every field of the header, by the format's names (the message included) */
  fields: Record<string, string>;
  message: string;
}

/**
 * Split one line by a header format.
 *
 * @returns the fields, or null when the line does not match (a continuation line, or another format)
 */
export function parseLogLine(format: LogFormat, line: string): ParsedLine | null {
  const m = format.regex.exec(line.replace(/\r$/, ''));
  if (!m || !m.groups) return null;
  const fields: Record<string, string> = {};
  for (const f of format.fields) if (m.groups[f] !== undefined) fields[f] = m.groups[f];
  return { fields, message: (fields[format.messageField] ?? '').trim() };
}

/** The first field present whose name (case-insensitive) is one of `names`. */
export function fieldByRole(fields: Record<string, string>, names: readonly string[]): string | undefined {
  for (const key of Object.keys(fields)) if (names.includes(key.toLowerCase())) return fields[key];
  return undefined;
}

/** Names read as the level field. */
export const LEVEL_NAMES = ['level', 'severity', 'loglevel', 'log_level', 'priority', 'lvl'];
