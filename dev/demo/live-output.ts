import {
  eraseRows,
  HIDE_CURSOR,
  plainLine,
  renderTable,
  rowState,
  SHOW_CURSOR,
  terminalRows,
  type ProgressRow,
} from './progress-view';

/**
 * Where the demo's progress goes. On a TTY: the table, redrawn in place (messages such as a
 * manual review's decision appear above it); elsewhere: one plain line per change of a row, so a
 * log or a test reads each transition once. The rendering itself is progress-view.ts.
 */

export interface DemoStream {
  write(text: string): unknown;
  isTTY?: boolean;
  columns?: number;
  rows?: number;
  hasColors?: () => boolean;
}

export interface LiveOutput {
  readonly tty: boolean;
  readonly colors: boolean;
  /** A message of its own: above the table on a TTY, a line of its own otherwise. */
  message(text: string): void;
  /**
   * The rows as they are now. The TTY table is redrawn at most every MIN_REDRAW_MS (the demo's
   * ticker redraws it regularly anyway) unless `final`; the plain output prints each change.
   */
  update(rows: readonly ProgressRow[], now: number, options?: { final?: boolean }): void;
  /**
   * Leaves the last table on screen (TTY) and restores the cursor; safe to call twice. Anything
   * after it is ignored: a request still in flight must not print below the summary.
   */
  close(): void;
}

export function createLiveOutput(out: DemoStream): LiveOutput {
  const tty = Boolean(out.isTTY);
  const colors = tty && (out.hasColors?.() ?? false);
  if (tty) return new TtyOutput(out, colors);
  return new PlainOutput(out);
}

/** Six rows changing at once would otherwise redraw the table six times in a moment. */
const MIN_REDRAW_MS = 200;

class TtyOutput implements LiveOutput {
  readonly tty = true;
  /** Terminal rows the last table took, to go back over. */
  private drawnRows = 0;
  private drawnAt = Number.NEGATIVE_INFINITY;
  private frame = 0;
  private last: { rows: readonly ProgressRow[]; now: number } | undefined;
  private closed = false;

  constructor(
    private readonly out: DemoStream,
    readonly colors: boolean,
  ) {
    out.write(HIDE_CURSOR);
  }

  message(text: string): void {
    if (this.closed) return;
    this.out.write(eraseRows(this.drawnRows) + text.replace(/\n?$/, '\n'));
    this.drawnRows = 0;
    if (this.last) this.draw(this.last.rows, this.last.now);
  }

  update(rows: readonly ProgressRow[], now: number, { final = false } = {}): void {
    if (this.closed) return;
    this.last = { rows, now };
    if (!final && now - this.drawnAt < MIN_REDRAW_MS) return;
    this.frame += 1;
    this.draw(rows, now);
  }

  private draw(rows: readonly ProgressRow[], now: number): void {
    this.drawnAt = now;
    const columns = this.out.columns ?? 80;
    const options = { colors: this.colors, frame: this.frame, columns };
    let table = renderTable(rows, now, options);
    // Cursor movement cannot reach above the screen: a table taller than it drops its links.
    if (terminalRows(table, columns) >= (this.out.rows ?? Number.POSITIVE_INFINITY)) {
      table = renderTable(rows, now, { ...options, links: false });
    }
    this.out.write(eraseRows(this.drawnRows) + table);
    this.drawnRows = terminalRows(table, columns);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.out.write(SHOW_CURSOR);
  }
}

class PlainOutput implements LiveOutput {
  readonly tty = false;
  readonly colors = false;
  /** What each row looked like when last printed. */
  private readonly printed = new Map<string, string>();
  private closed = false;

  constructor(private readonly out: DemoStream) {}

  message(text: string): void {
    if (!this.closed) this.out.write(text.replace(/\n?$/, '\n'));
  }

  update(rows: readonly ProgressRow[], now: number): void {
    if (this.closed) return;
    for (const row of rows) {
      // Nothing to say before the API has answered for it.
      if (row.status === undefined && row.problem === undefined) continue;
      const state = rowState(row);
      const before = this.printed.get(row.signupId);
      if (state === before) continue;
      this.printed.set(row.signupId, state);
      this.out.write(plainLine(row, now, { first: before === undefined }));
    }
  }

  close(): void {
    this.closed = true;
  }
}
