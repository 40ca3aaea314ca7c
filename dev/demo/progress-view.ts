import { stripVTControlCharacters, styleText } from 'node:util';
import type { ApiStatus, OnboardingView } from '../../src/api/schemas';
import type { Verdict } from './outcome';
import type { ExpectedState } from './scenarios';

/**
 * How the demo's onboardings look on screen, as pure functions of their rows, so the output is
 * tested without a terminal: a table redrawn in place on a TTY, one plain line per change
 * elsewhere (CI, pipes), and the summary at the end. Colours only when asked for (the caller
 * decides from `hasColors()`); styleText is told not to second-guess that.
 */

export interface ProgressRow {
  key: string;
  title: string;
  expected: ExpectedState;
  signupId: string;
  workflowId: string;
  /** The workflow in the Temporal UI, when there is one to link to. */
  link?: string;
  /** Undefined until the API has answered for it. */
  status?: ApiStatus;
  step?: OnboardingView['step'];
  kycStatus?: OnboardingView['kycStatus'];
  verdict: Verdict;
  /** Demo clock, ms. */
  startedAt: number;
  settledAt?: number;
  /** What it ended with, or what it waits for. */
  note?: string;
  /** The last thing that went wrong reaching it (a refused start, the API away). */
  problem?: string;
}

export interface RenderOptions {
  colors: boolean;
  /** Animation frame of the spinner of running rows. */
  frame?: number;
  /** The terminal's width: a row's remark is cut to fit (the summary shows it whole). */
  columns?: number;
  /** False leaves out the signup id and link lines, for a terminal too short for them. */
  links?: boolean;
}

type Format = Parameters<typeof styleText>[0];

function paint(colors: boolean, format: Format, text: string): string {
  return colors && text !== '' ? styleText(format, text, { validateStream: false }) : text;
}

const SPINNER = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];

export function formatDuration(ms: number): string {
  const safe = Math.max(0, ms);
  if (safe < 60_000) return `${(safe / 1000).toFixed(1)} s`;
  const seconds = Math.floor(safe / 1000);
  return `${Math.floor(seconds / 60)} min ${String(seconds % 60).padStart(2, '0')} s`;
}

export function elapsedMs(row: ProgressRow, now: number): number {
  return (row.settledAt ?? now) - row.startedAt;
}

function markOf(verdict: Verdict, { colors, frame = 0 }: RenderOptions): string {
  switch (verdict) {
    case 'reached':
      return paint(colors, 'green', '✓');
    case 'unexpected':
    case 'timed_out':
      return paint(colors, 'red', '✗');
    case 'running':
      return paint(colors, 'cyan', SPINNER[frame % SPINNER.length]!);
  }
}

const STATUS_COLOURS: Record<ApiStatus, Format> = {
  in_progress: 'cyan',
  completed: 'green',
  kyc_failed: 'yellow',
  needs_attention: 'red',
  cancelled: 'red',
};

function statusText(row: ProgressRow): string {
  return row.status ?? (row.problem ? 'not started' : 'starting');
}

function paintStatus(row: ProgressRow, text: string, colors: boolean): string {
  return paint(colors, row.status ? STATUS_COLOURS[row.status] : 'gray', text);
}

/** What the row says beyond its columns: the outcome, or what went wrong. */
function remark(row: ProgressRow): string {
  const expected =
    row.verdict === 'unexpected' || row.verdict === 'timed_out'
      ? `expected ${row.expected}${row.verdict === 'timed_out' ? ', timed out' : ''}`
      : undefined;
  return [expected, row.note, row.problem].filter(Boolean).join('; ');
}

const HEADER = ['scenario', 'status', 'step', 'KYC', 'time'];

/** `text` cut to `width` characters, the cut marked. */
export function clip(text: string, width: number): string {
  const chars = [...text];
  if (chars.length <= width) return text;
  return width <= 0 ? '' : `${chars.slice(0, width - 1).join('')}…`;
}

/** The live table: two lines per onboarding (its state; its signup id and Temporal UI link). */
export function renderTable(rows: readonly ProgressRow[], now: number, options: RenderOptions) {
  const { colors, columns = Number.POSITIVE_INFINITY, links = true } = options;
  const cells = rows.map((row) => [
    row.title,
    statusText(row),
    row.step ?? '',
    row.kycStatus ?? '',
    formatDuration(elapsedMs(row, now)),
  ]);
  const widths = HEADER.map((title, i) =>
    Math.max(title.length, ...cells.map((row) => row[i]!.length)),
  );
  const pad = (text: string, i: number) => text.padEnd(widths[i]!);
  // The header starts under the scenario column, past the one-character mark and the gap.
  const lines = [paint(colors, 'bold', `   ${HEADER.map(pad).join('  ')}`.trimEnd())];
  rows.forEach((row, index) => {
    const [title, status, step, kyc, time] = cells[index]!;
    const columnsText = [
      markOf(row.verdict, options),
      pad(title!, 0),
      paintStatus(row, pad(status!, 1), colors),
      pad(step!, 2),
      pad(kyc!, 3),
      pad(time!, 4),
    ].join('  ');
    // Kept within the line, so the table's height stays what it was drawn with.
    const room = columns - 1 - visibleLength(columnsText) - 2;
    const text = clip(remark(row), room);
    const colour = row.verdict === 'reached' ? 'gray' : 'yellow';
    lines.push(
      text === '' ? columnsText.trimEnd() : `${columnsText}  ${paint(colors, colour, text)}`,
    );
    if (links) {
      lines.push(paint(colors, 'gray', `    ${row.signupId}  ${row.link ?? ''}`.trimEnd()));
    }
  });
  return lines.join('\n') + '\n';
}

/**
 * What makes a row worth a new plain line when it changes: its state, not its ticking clock.
 */
export function rowState(row: ProgressRow): string {
  return JSON.stringify([row.status, row.step, row.kycStatus, row.verdict, row.note, row.problem]);
}

/** One line for a row that changed (no colours: for logs). `first` adds the Temporal UI link. */
export function plainLine(row: ProgressRow, now: number, { first = false } = {}): string {
  const mark = { reached: '✓', unexpected: '✗', timed_out: '✗', running: '…' }[row.verdict];
  const facts = [
    statusText(row),
    row.step && `step ${row.step}`,
    row.kycStatus && `KYC ${row.kycStatus}`,
  ].filter(Boolean);
  const text = remark(row);
  const time = `[${formatDuration(elapsedMs(row, now)).padStart(8)}]`;
  return (
    `${time} ${mark} ${row.title} (${row.signupId}): ${facts.join(', ')}` +
    (text === '' ? '' : ` - ${text}`) +
    (first && row.link ? ` ${row.link}` : '') +
    '\n'
  );
}

export interface SummaryOptions {
  colors: boolean;
  runId: string;
  /** The whole run, ms. */
  tookMs: number;
  /** Set when the demo gave up waiting: how long it waited. */
  timedOutAfterMs?: number;
  /** Set when the user stopped the demo (Ctrl-C). */
  interrupted?: boolean;
}

const named = (rows: readonly ProgressRow[]) =>
  rows.map((row) => `${row.title} (${row.signupId})`).join(', ');

/** Every scenario: expected and reached state, and how long it took; then the verdict. */
export function renderSummary(rows: readonly ProgressRow[], now: number, options: SummaryOptions) {
  const { colors } = options;
  const cells = rows.map((row) => [
    row.title,
    `expected ${row.expected}`,
    row.verdict === 'timed_out' || row.verdict === 'running'
      ? `still ${statusText(row)}`
      : `reached ${statusText(row)}`,
    formatDuration(elapsedMs(row, now)),
  ]);
  const widths = [0, 1, 2, 3].map((i) => Math.max(...cells.map((row) => row[i]!.length)));
  const lines = [
    '',
    paint(colors, 'bold', `Summary of run ${options.runId} (${formatDuration(options.tookMs)}):`),
  ];
  rows.forEach((row, index) => {
    const [title, expected, reached, time] = cells[index]!;
    const note = [row.note, row.problem].filter(Boolean).join('; ');
    lines.push(
      [
        ` ${row.verdict === 'running' ? '…' : markOf(row.verdict, { colors })}`,
        title!.padEnd(widths[0]!),
        expected!.padEnd(widths[1]!),
        paintStatus(row, reached!.padEnd(widths[2]!), colors),
        time!.padStart(widths[3]!),
        note,
      ]
        .join('  ')
        .trimEnd(),
    );
  });
  const reached = rows.filter((row) => row.verdict === 'reached');
  const unexpected = rows.filter((row) => row.verdict === 'unexpected');
  const running = rows.filter((row) => row.verdict === 'timed_out' || row.verdict === 'running');
  const unexpectedText = unexpected.length > 0 ? ` Unexpected: ${named(unexpected)}.` : '';
  lines.push('');
  if (options.interrupted) {
    // Not a failure of the scenarios: the user stopped watching them.
    lines.push(
      paint(colors, 'yellow', 'Stopped (Ctrl-C).') +
        ` ${reached.length} of ${rows.length} scenarios had reached their expected state.` +
        unexpectedText +
        (running.length > 0
          ? ` Still running in the stack, no longer followed: ${named(running)}.`
          : ''),
    );
    return lines.join('\n') + '\n';
  }
  if (options.timedOutAfterMs !== undefined && running.length > 0) {
    lines.push(
      paint(colors, 'red', `Timed out after ${formatDuration(options.timedOutAfterMs)}`) +
        ` with ${running.length} still running: ${named(running)}.`,
    );
  }
  if (reached.length === rows.length) {
    lines.push(
      paint(colors, 'green', `All ${rows.length} scenarios reached their expected state.`),
    );
  } else {
    const missed = rows.length - reached.length;
    lines.push(
      paint(
        colors,
        'red',
        `${missed} of ${rows.length} scenarios did not reach their expected state.`,
      ) + unexpectedText,
    );
  }
  return lines.join('\n') + '\n';
}

export function visibleLength(text: string): number {
  return [...stripVTControlCharacters(text)].length;
}

/** Terminal rows `text` takes on a terminal `columns` wide, long lines wrapping. */
export function terminalRows(text: string, columns: number): number {
  const lines = text.endsWith('\n') ? text.slice(0, -1).split('\n') : text.split('\n');
  const width = Math.max(1, columns);
  return lines.reduce((sum, line) => sum + Math.max(1, Math.ceil(visibleLength(line) / width)), 0);
}

/** ANSI: back to the first of the last `rows` terminal rows, and erase from there down. */
export function eraseRows(rows: number): string {
  return rows > 0 ? `\x1b[${rows}F\x1b[0J` : '';
}

export const HIDE_CURSOR = '\x1b[?25l';
export const SHOW_CURSOR = '\x1b[?25h';
