import { styleText } from 'node:util';
import { prettyFactory } from 'pino-pretty';

/**
 * Where the local stack's log lines go: every part's output, one stream, each line naming its
 * component. For a person at a terminal they are pretty (pino-pretty, a colour per component);
 * otherwise they stay JSON, one object per line, for tools. Parts log JSON through pino; the
 * Temporal dev server logs Go's JSON; anything else (a crash's stack trace) is wrapped as it is.
 */

type Entry = Record<string, unknown> & { level: number; time: number; component: string };

/** Go's slog level names, as pino numbers them. */
const GO_LEVELS: Record<string, number> = { DEBUG: 20, INFO: 30, WARN: 40, ERROR: 50 };
const INFO = 30;
const ERROR = 50;

/** One log line of a part as an entry naming the part; `stderr` lines without a level are errors. */
export function toEntry(component: string, line: string, stream: 'stdout' | 'stderr'): Entry {
  let parsed: unknown;
  try {
    parsed = JSON.parse(line);
  } catch {
    parsed = undefined;
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    return { level: stream === 'stderr' ? ERROR : INFO, time: Date.now(), component, msg: line };
  }
  const fields = parsed as Record<string, unknown>;
  if (typeof fields.level === 'number')
    return { ...fields, level: fields.level, time: Number(fields.time ?? Date.now()), component };
  // The dev server's own `component` (e.g. "persistence") is a part of Temporal, not of the stack.
  const { level, time, component: subsystem, ...rest } = fields;
  return {
    ...rest,
    ...(subsystem === undefined ? {} : { subsystem }),
    level: GO_LEVELS[String(level).toUpperCase()] ?? INFO,
    time: typeof time === 'string' ? Date.parse(time) || Date.now() : Date.now(),
    component,
  };
}

const COLOURS = ['cyan', 'magenta', 'yellow', 'blue', 'green', 'red'] as const;

export interface LogOutput {
  /** Writes one line a part printed. */
  line(component: string, line: string, stream: 'stdout' | 'stderr'): void;
  /** A pino destination for the stack's own logger: its lines are the `stack` component's. */
  destination: { write(line: string): void };
}

export function createLogOutput(
  out: { write(text: string): unknown; isTTY?: boolean; hasColors?: () => boolean },
  { pretty = Boolean(out.isTTY) }: { pretty?: boolean } = {},
): LogOutput {
  const colors = pretty && (out.hasColors?.() ?? false);
  const width = 8;
  const colourOf = new Map<string, (typeof COLOURS)[number]>();
  const label = (component: string) => {
    const padded = component.padEnd(width);
    if (!colors) return padded;
    if (!colourOf.has(component)) colourOf.set(component, COLOURS[colourOf.size % COLOURS.length]!);
    return styleText(colourOf.get(component)!, padded);
  };
  const prettify = prettyFactory({
    colorize: colors,
    translateTime: 'SYS:HH:MM:ss.l',
    ignore: 'pid,hostname,component',
    // One line per entry, so parts interleave readably.
    singleLine: true,
    messageFormat: (log, messageKey) =>
      `${label(String(log.component))} ${String(log[messageKey])}`,
  });
  const write = (entry: Entry) => {
    out.write(pretty ? prettify(entry) : `${JSON.stringify(entry)}\n`);
  };
  const line: LogOutput['line'] = (component, text, stream) => {
    if (text.trim() !== '') write(toEntry(component, text, stream));
  };
  return {
    line,
    destination: { write: (text) => text.split('\n').forEach((l) => line('stack', l, 'stdout')) },
  };
}
