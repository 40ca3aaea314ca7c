import { stripVTControlCharacters } from 'node:util';
import { describe, expect, it } from 'vitest';
import { createLiveOutput } from '../../dev/demo/live-output';
import { durationText } from '../../dev/timing-text';
import {
  clip,
  eraseRows,
  formatDuration,
  plainLine,
  renderSummary,
  renderTable,
  terminalRows,
  type ProgressRow,
} from '../../dev/demo/progress-view';

// The demo's screen as text: the live table (TTY), one line per change (pipes, CI), the summary.

const LINK = 'http://localhost:8233/namespaces/default/workflows/onboarding-demo-a1b2c3-';

function row(key: string, overrides: Partial<ProgressRow> = {}): ProgressRow {
  return {
    key,
    title: key,
    expected: 'completed',
    signupId: `demo-a1b2c3-${key}`,
    workflowId: `onboarding-demo-a1b2c3-${key}`,
    link: `${LINK}${key}`,
    verdict: 'running',
    startedAt: 1_000,
    ...overrides,
  };
}

const webhook = row('webhook', {
  title: 'KYC by webhook, every extra',
  status: 'completed',
  step: 'done',
  kycStatus: 'verified',
  verdict: 'reached',
  settledAt: 7_400,
  note: 'account ****1234',
});
const polling = row('polling', {
  title: 'webhook lost, polling',
  status: 'in_progress',
  step: 'kyc',
  kycStatus: 'in_review',
});
const manual = row('manual-review', {
  title: 'manual review',
  status: 'needs_attention',
  step: 'kyc',
  kycStatus: 'in_review',
  verdict: 'unexpected',
  settledAt: 70_000,
  note: 'needs attention at kyc: KycDeadlineExceeded',
});

describe('the live table (TTY)', () => {
  it('shows each onboarding’s scenario, status, step, KYC, time, signup id and link', () => {
    const table = renderTable([webhook, polling, manual], 13_000, { colors: false });
    expect(table.split('\n')).toEqual([
      '   scenario                     status           step  KYC        time',
      '✓  KYC by webhook, every extra  completed        done  verified   6.4 s       account ****1234',
      `    demo-a1b2c3-webhook  ${LINK}webhook`,
      '⠋  webhook lost, polling        in_progress      kyc   in_review  12.0 s',
      `    demo-a1b2c3-polling  ${LINK}polling`,
      '✗  manual review                needs_attention  kyc   in_review  1 min 09 s  ' +
        'expected completed; needs attention at kyc: KycDeadlineExceeded',
      `    demo-a1b2c3-manual-review  ${LINK}manual-review`,
      '',
    ]);
  });

  it('colours only when asked to, and then without changing the text', () => {
    const plain = renderTable([webhook, polling], 13_000, { colors: false });
    const coloured = renderTable([webhook, polling], 13_000, { colors: true });
    expect(plain).not.toContain('\x1b[');
    expect(coloured).toContain('\x1b[32m✓\x1b[39m');
    expect(stripVTControlCharacters(coloured)).toBe(plain);
  });

  it('animates running rows and cuts remarks to the terminal, links left whole', () => {
    const frames = [0, 1].map((frame) => renderTable([polling], 0, { colors: false, frame }));
    expect(frames[0]).not.toBe(frames[1]);
    const narrow = renderTable([manual], 13_000, { colors: false, columns: 80 }).split('\n');
    expect(narrow[1]).toHaveLength(79);
    expect(narrow[1]!.endsWith('…')).toBe(true);
    expect(narrow[2]).toContain(`${LINK}manual-review`);
    expect(renderTable([manual], 0, { colors: false, links: false })).not.toContain(LINK);
  });

  it('knows how many terminal rows it takes, wrapped lines counted', () => {
    expect(terminalRows('abc\n\x1b[31mdefgh\x1b[39m\n', 4)).toBe(3);
    expect(terminalRows('abcd\n\n', 4)).toBe(2);
    expect(eraseRows(3)).toBe('\x1b[3F\x1b[0J');
    expect(eraseRows(0)).toBe('');
  });

  it('is redrawn in place, with messages above it', () => {
    let written = '';
    const out = { write: (text: string) => (written += text), isTTY: true, columns: 200 };
    const live = createLiveOutput(out);
    live.update([polling], 2_000);
    const first = written;
    expect(first).toContain('\x1b[?25l'); // cursor hidden while drawing
    live.update([polling], 2_050); // within the redraw interval: skipped
    expect(written).toBe(first);
    live.update([polling], 3_000);
    // Back over the header and the row's two lines, erased, drawn again.
    expect(written.slice(first.length)).toContain(`${eraseRows(3)}   scenario`);
    expect(written.slice(first.length).startsWith(eraseRows(3))).toBe(true);
    const before = written.length;
    live.message('manual review of x approved');
    expect(
      written.slice(before).startsWith(`${eraseRows(3)}manual review of x approved\n   scenario`),
    ).toBe(true);
    live.close();
    expect(written.endsWith('\x1b[?25h')).toBe(true);
    const closed = written.length;
    live.update([polling], 9_000, { final: true });
    expect(written).toHaveLength(closed);
  });
});

describe('the plain output (not a TTY)', () => {
  it('is one line per change of a row, the first with its Temporal UI link', () => {
    let written = '';
    const live = createLiveOutput({ write: (text: string) => (written += text) });
    const starting = row('polling', { title: 'webhook lost, polling' });
    live.update([starting], 1_000); // nothing known yet: nothing to say
    expect(written).toBe('');
    live.update([polling], 2_000);
    live.update([polling], 2_500); // only the clock moved
    live.update([{ ...polling, kycStatus: 'verified', step: 'issue_account' }], 24_000);
    expect(written.split('\n')).toEqual([
      '[   1.0 s] … webhook lost, polling (demo-a1b2c3-polling): in_progress, step kyc, ' +
        `KYC in_review ${LINK}polling`,
      '[  23.0 s] … webhook lost, polling (demo-a1b2c3-polling): in_progress, ' +
        'step issue_account, KYC verified',
      '',
    ]);
    expect(written).not.toContain('\x1b[');
  });

  it('marks the expected final state ✓ and anything else ✗, saying what was expected', () => {
    expect(plainLine(webhook, 0)).toBe(
      '[   6.4 s] ✓ KYC by webhook, every extra (demo-a1b2c3-webhook): completed, step done, ' +
        'KYC verified - account ****1234\n',
    );
    expect(plainLine(manual, 0)).toBe(
      '[1 min 09 s] ✗ manual review (demo-a1b2c3-manual-review): needs_attention, step kyc, ' +
        'KYC in_review - expected completed; needs attention at kyc: KycDeadlineExceeded\n',
    );
    expect(plainLine({ ...polling, verdict: 'timed_out', settledAt: 98_000 }, 0)).toContain(
      '✗ webhook lost, polling (demo-a1b2c3-polling): in_progress, step kyc, KYC in_review - ' +
        'expected completed, timed out',
    );
    const refused = row('x', { verdict: 'unexpected', problem: 'start refused: 400 bad' });
    expect(plainLine(refused, 2_000)).toContain('not started - expected completed; start refused');
  });
});

describe('the summary', () => {
  it('gives each scenario’s expected and reached state and time, then the verdict', () => {
    const summary = renderSummary([webhook, manual], 80_000, {
      colors: false,
      runId: 'a1b2c3',
      tookMs: 79_000,
    });
    expect(summary.split('\n')).toEqual([
      '',
      'Summary of run a1b2c3 (1 min 19 s):',
      ' ✓  KYC by webhook, every extra  expected completed  reached completed             6.4 s  ' +
        'account ****1234',
      ' ✗  manual review                expected completed  reached needs_attention  1 min 09 s  ' +
        'needs attention at kyc: KycDeadlineExceeded',
      '',
      '1 of 2 scenarios did not reach their expected state. Unexpected: manual review ' +
        '(demo-a1b2c3-manual-review).',
      '',
    ]);
    expect(
      renderSummary([webhook], 8_000, { colors: false, runId: 'a1b2c3', tookMs: 7_000 }),
    ).toContain('All 1 scenarios reached their expected state.');
  });

  it('names the rows still running when time ran out, or when the user stopped the demo', () => {
    const timedOut = { ...polling, verdict: 'timed_out' as const, settledAt: 98_000 };
    const summary = renderSummary([webhook, timedOut], 98_000, {
      colors: false,
      runId: 'a1b2c3',
      tookMs: 97_000,
      timedOutAfterMs: 97_000,
    });
    expect(summary).toContain('still in_progress');
    expect(summary).toContain(
      'Timed out after 1 min 37 s with 1 still running: webhook lost, polling (demo-a1b2c3-polling).',
    );
    expect(summary).toContain('1 of 2 scenarios did not reach their expected state.');
    const stopped = renderSummary([polling], 5_000, {
      colors: false,
      runId: 'a1b2c3',
      tookMs: 4_000,
      interrupted: true,
    });
    expect(stopped).toContain(' …  webhook lost, polling  expected completed  still in_progress');
    expect(stopped).not.toContain('did not reach');
    expect(stopped).toContain(
      'Stopped (Ctrl-C). 0 of 1 scenarios had reached their expected state. Still running in ' +
        'the stack, no longer followed: webhook lost, polling (demo-a1b2c3-polling).',
    );
  });
});

describe('durations', () => {
  it('read as people say them', () => {
    expect(formatDuration(6_400)).toBe('6.4 s');
    expect(formatDuration(69_000)).toBe('1 min 09 s');
    expect(durationText(20_000)).toBe('20 s');
    expect(durationText(600_000)).toBe('10 min');
    expect(durationText(1_500)).toBe('1.5 s');
    expect(durationText(7 * 86_400_000)).toBe('7 d');
    expect(clip('abcdef', 4)).toBe('abc…');
    expect(clip('abc', 4)).toBe('abc');
  });
});
