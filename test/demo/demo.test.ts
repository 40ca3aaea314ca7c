import { describe, expect, it } from 'vitest';
import { OnboardingApiError } from '../../src/api/client-errors';
import type { OnboardingView, StartOnboardingBody } from '../../src/api/schemas';
import { runDemo, type DemoDependencies, type DemoSandbox } from '../../dev/demo/demo';
import { eraseRows } from '../../dev/demo/progress-view';
import {
  SandboxAdminError,
  type SandboxUser,
  type WebhookEvent,
} from '../../dev/sandbox/admin-client';
import { demoScenarios } from '../../dev/demo/scenarios';
import { demoSettings } from '../../dev/demo/settings';
import { FRESH_SANDBOX_STATS } from '../sandbox/helpers';
import { completed, view } from './views';

// A whole demo run against a scripted API and sandbox: what it prints (one line per change off
// a TTY, a redrawn table on one), when it decides the manual review, and its exit code when every
// scenario ends as expected, when one does not, when time runs out and on Ctrl-C.

const RUN = 'f00d42';
const settings = demoSettings({ ONBOARDING_API_PORT: '3999', INGO_SANDBOX_PORT: '4999' });

/** How a scripted onboarding looks at its n-th poll (from 1). */
type Script = (poll: number, sandbox: FakeSandbox) => OnboardingView;

const id = (key: string) => `demo-${RUN}-${key}`;
const user = (key: string) => `user-${id(key)}`;
const inReview = (key: string) =>
  view(id(key), { step: 'kyc', kycStatus: 'in_review', ingoUserId: user(key), kycSubmissions: 1 });

/** Every scenario reaching its expected state, the slowest (polling) after a few polls. */
const HAPPY: Record<string, Script> = {
  webhook: (poll) =>
    poll < 2
      ? view(id('webhook'))
      : poll < 3
        ? inReview('webhook')
        : completed(id('webhook'), { linked: true, check: true, billPay: true }),
  polling: (poll) => (poll < 6 ? inReview('polling') : completed(id('polling'))),
  'kyc-failed': (poll) =>
    poll < 2
      ? inReview('kyc-failed')
      : view(id('kyc-failed'), {
          status: 'kyc_failed',
          step: 'kyc',
          kycStatus: 'failed',
          ingoUserId: user('kyc-failed'),
          kycReasons: ['Identity could not be verified'],
          resubmitBy: '2026-01-02T03:14:05.000Z',
        }),
  // Stays in review until the demo decides it through the (fake) admin API.
  'manual-review': (_poll, sandbox) =>
    sandbox.decisions.length === 0
      ? inReview('manual-review')
      : completed(id('manual-review'), { linked: true, check: true }),
  duplicates: (poll) =>
    poll < 3 ? inReview('duplicates') : completed(id('duplicates'), { billPay: true }),
  'bill-pay-only': (poll) =>
    poll < 2 ? inReview('bill-pay-only') : completed(id('bill-pay-only'), { billPay: true }),
};

class FakeApi {
  readonly polls = new Map<string, number>();
  readonly started: StartOnboardingBody[] = [];

  constructor(
    private readonly scripts: Record<string, Script>,
    private readonly sandbox: FakeSandbox,
    private readonly refuse: string[] = [],
  ) {}

  start(request: StartOnboardingBody) {
    this.started.push(request);
    if (this.refuse.includes(request.signupId)) {
      return Promise.reject(
        new OnboardingApiError(400, 'validation_failed', 'applicant.ssn must be 9 digits'),
      );
    }
    const { signupId } = request;
    return Promise.resolve({
      signupId,
      workflowId: `onboarding-${signupId}`,
      status: 'in_progress' as const,
      created: true,
    });
  }

  get(signupId: string) {
    const poll = (this.polls.get(signupId) ?? 0) + 1;
    this.polls.set(signupId, poll);
    const key = signupId.slice(`demo-${RUN}-`.length);
    return Promise.resolve(this.scripts[key]!(poll, this.sandbox));
  }

  list() {
    return Promise.resolve({ items: [] });
  }
}

class FakeSandbox implements DemoSandbox {
  readonly decisions: { userId: string; status: string }[] = [];
  /** Refusals to answer before deciding, as the sandbox does for a user not in review. */
  refusals = 0;

  url(path: string) {
    return `http://127.0.0.1:4999/_sandbox${path}`;
  }
  stats() {
    return Promise.resolve(FRESH_SANDBOX_STATS);
  }
  decide(userId: string, status: 'verified' | 'failed') {
    if (this.refusals > 0) {
      this.refusals -= 1;
      return Promise.reject(new SandboxAdminError(409, 'INVALID_STATE', 'not in review'));
    }
    this.decisions.push({ userId, status });
    return Promise.resolve(status);
  }
  user(userId: string): Promise<SandboxUser> {
    return Promise.resolve({
      id: userId,
      email: `${userId}@example.com`,
      kyc_status: 'verified',
      meta_data: [],
      routable_accounts: [{ id: `rbac-${userId}`, account_number_last_4: '1234' }],
      bank_accounts: [],
    });
  }
  /** One KYC event per user, delivered three times to `duplicates`, dropped for `polling`. */
  webhooks({ userId = '' }: { userId?: string } = {}): Promise<WebhookEvent[]> {
    const delivered = { state: 'delivered', attempts: 1 } as const;
    const deliveries = userId.endsWith('duplicates')
      ? [delivered, delivered, delivered]
      : userId.endsWith('polling')
        ? [{ state: 'dropped', attempts: 0 } as const]
        : [delivered];
    return Promise.resolve([
      { event_id: `e-${userId}`, event: 'user.kyc.success', user_id: userId, deliveries },
    ]);
  }
}

class Capture {
  text = '';
  constructor(
    readonly isTTY = false,
    readonly columns = 160,
  ) {}
  write(text: string) {
    this.text += text;
    return true;
  }
  hasColors() {
    return false;
  }
}

const ready: typeof fetch = () => Promise.resolve(new Response('{"status":"ready"}'));

function setUp(scripts: Record<string, Script> = HAPPY, refuse: string[] = []) {
  const sandbox = new FakeSandbox();
  const api = new FakeApi(scripts, sandbox, refuse);
  const out = new Capture();
  const errors = new Capture();
  const deps: DemoDependencies = {
    settings,
    client: api,
    sandbox,
    out,
    errorOut: errors,
    fetchImpl: ready,
    runId: RUN,
    scenarios: demoScenarios(RUN),
    pollIntervalMs: 2,
    timeoutMs: 5_000,
  };
  return { api, sandbox, out, errors, deps };
}

const linesOf = (text: string, signupId: string) =>
  text.split('\n').filter((line) => line.includes(`(${signupId})`) && line.startsWith('['));

describe('a demo run', () => {
  it('follows every scenario to its expected state and exits 0 (not a TTY)', async () => {
    const { api, sandbox, out, errors, deps } = setUp();
    expect(await runDemo(deps)).toBe(0);
    expect(errors.text).toBe('');
    expect(api.started.map((request) => request.signupId)).toEqual(
      demoScenarios(RUN).map((scenario) => scenario.request.signupId),
    );
    // The manual review was decided once, for its user, and said so.
    expect(sandbox.decisions).toEqual([{ userId: user('manual-review'), status: 'verified' }]);
    expect(out.text).toContain(
      `manual review of ${id('manual-review')} (Ingo user ${user('manual-review')}) approved ` +
        'through the sandbox admin API\n',
    );
    // One line per change: polling shows in review (waiting for the poll), then completed.
    const polling = linesOf(out.text, id('polling'));
    expect(polling).toHaveLength(2);
    expect(polling[0]).toContain(
      'in_progress, step kyc, KYC in_review - no webhook will come: Ingo is asked after the 5 min ' +
        'grace period http://localhost:8233/namespaces/default/workflows/onboarding-',
    );
    expect(polling[1]).toContain(
      '✓ webhook lost, polling (demo-f00d42-polling): completed, step done, KYC verified - ' +
        'account ****1234, no payout destinations, KYC submissions 1, 0 KYC webhooks sent',
    );
    expect(linesOf(out.text, id('duplicates')).at(-1)).toContain(
      'KYC submissions 1, 3 KYC webhooks sent, 1 routable account at Ingo',
    );
    expect(linesOf(out.text, id('kyc-failed')).at(-1)).toContain(
      '✓ KYC failed (demo-f00d42-kyc-failed): kyc_failed, step kyc, KYC failed - awaiting ' +
        'corrected KYC data until 2026-01-02 03:14:05 UTC',
    );
    expect(out.text).toContain('Summary of run f00d42');
    expect(out.text).toMatch(/All 6 scenarios reached their expected state.\n$/);
    expect(out.text).not.toContain('\x1b[');
  });

  it('tries the manual decision again while the sandbox has no open review', async () => {
    const { sandbox, out, deps } = setUp();
    sandbox.refusals = 2;
    expect(await runDemo(deps)).toBe(0);
    expect(sandbox.decisions).toHaveLength(1);
    expect(out.text).toContain(`the sandbox has no open review for ${user('manual-review')} yet`);
  });

  it('marks an unexpected final state ✗ and exits 1', async () => {
    const { out, deps } = setUp({
      ...HAPPY,
      'kyc-failed': () => completed(id('kyc-failed')),
      webhook: () =>
        view(id('webhook'), {
          status: 'needs_attention',
          step: 'issue_account',
          ingoUserId: user('webhook'),
          lastError: {
            step: 'issue_account',
            type: 'IngoOutcomeUnknown',
            message: 'the answer was lost',
            at: '2026-01-02T03:04:05.000Z',
          },
        }),
    });
    expect(await runDemo(deps)).toBe(1);
    expect(linesOf(out.text, id('webhook')).at(-1)).toContain(
      '✗ KYC by webhook, every extra (demo-f00d42-webhook): needs_attention, step issue_account, ' +
        'KYC not_started - expected completed; needs attention at issue_account',
    );
    expect(linesOf(out.text, id('kyc-failed')).at(-1)).toContain(
      '✗ KYC failed (demo-f00d42-kyc-failed): completed, step done, KYC verified - expected ' +
        'kyc_failed',
    );
    expect(out.text).toContain(
      '2 of 6 scenarios did not reach their expected state. Unexpected: KYC by webhook, every ' +
        'extra (demo-f00d42-webhook), KYC failed (demo-f00d42-kyc-failed).',
    );
  });

  it('marks a refused start ✗', async () => {
    const { out, deps } = setUp(HAPPY, [id('bill-pay-only')]);
    expect(await runDemo(deps)).toBe(1);
    expect(linesOf(out.text, id('bill-pay-only'))).toEqual([
      expect.stringContaining(
        '✗ bill pay only (demo-f00d42-bill-pay-only): not started - expected completed; start ' +
          'refused: 400 validation_failed: applicant.ssn must be 9 digits',
      ),
    ]);
  });

  it('gives up at the timeout, naming the rows still running, and exits 1', async () => {
    const { out, deps } = setUp({ ...HAPPY, polling: () => inReview('polling') });
    expect(await runDemo({ ...deps, timeoutMs: 300 })).toBe(1);
    expect(linesOf(out.text, id('polling')).at(-1)).toContain(
      '✗ webhook lost, polling (demo-f00d42-polling): in_progress, step kyc, KYC in_review - ' +
        'expected completed, timed out',
    );
    expect(out.text).toContain(
      'Timed out after 0.3 s with 1 still running: webhook lost, polling (demo-f00d42-polling).',
    );
    expect(out.text).toContain('1 of 6 scenarios did not reach their expected state.');
  });

  it('stops on Ctrl-C, saying the onboardings keep running', async () => {
    const { out, deps } = setUp({ ...HAPPY, polling: () => inReview('polling') });
    const interrupt = new AbortController();
    setTimeout(() => interrupt.abort(), 200);
    expect(await runDemo({ ...deps, signal: interrupt.signal })).toBe(130);
    expect(out.text).toContain(
      'Stopped (Ctrl-C). 5 of 6 scenarios had reached their expected state. Still running in ' +
        'the stack, no longer followed: webhook lost, polling (demo-f00d42-polling).',
    );
    expect(out.text).toMatch(/The onboardings keep running in the stack.*\n$/);
  });

  it('starts nothing when the stack is not there', async () => {
    const { api, out, errors, deps } = setUp();
    const refused: typeof fetch = () =>
      Promise.reject(
        new TypeError('fetch failed', {
          cause: Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }),
        }),
      );
    expect(await runDemo({ ...deps, fetchImpl: refused })).toBe(1);
    expect(api.started).toEqual([]);
    expect(out.text).toBe('');
    expect(errors.text).toMatch(
      /^cannot reach the onboarding API at http:\/\/127.0.0.1:3999\/readyz \(ECONNREFUSED\): run `npm start` first/,
    );
    expect(errors.text.split('\n')).toHaveLength(2);
  });

  it('redraws a table on a TTY and ends with the summary', async () => {
    const { deps } = setUp();
    const tty = new Capture(true, 120);
    expect(await runDemo({ ...deps, out: tty, pollIntervalMs: 5 })).toBe(0);
    expect(tty.text).toContain('\x1b[?25l');
    // Redrawn over the header and the six rows' two lines each.
    expect(tty.text).toContain(eraseRows(13));
    expect(tty.text).toContain('manual review of demo-f00d42-manual-review');
    expect(tty.text).toContain('\x1b[?25h');
    expect(tty.text).toMatch(/All 6 scenarios reached their expected state.\n$/);
    // The summary comes after the last table, and nothing is drawn after it.
    const summaryAt = tty.text.indexOf('Summary of run');
    expect(tty.text.slice(summaryAt)).not.toContain('\x1b[0J');
  });
});
