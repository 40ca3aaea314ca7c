import { setTimeout as delay } from 'node:timers/promises';
import type { OnboardingApiClient } from '../../src/api/client';
import { OnboardingApiError } from '../../src/api/client-errors';
import type { OnboardingView } from '../../src/api/schemas';
import { onboardingWorkflowId } from '../../src/contract/ids';
import { SandboxAdminError, type SandboxAdminClient } from '../sandbox/admin-client';
import { createLiveOutput, type DemoStream, type LiveOutput } from './live-output';
import { ingoFactsOf, isSettled, outcomeNote, verdictOf } from './outcome';
import { PreflightError, preflight } from './preflight';
import { durationText, kycWaitText } from '../timing-text';
import { formatDuration, renderSummary, type ProgressRow } from './progress-view';
import { demoScenarios, newRunId, type Scenario } from './scenarios';
import { demoTimeoutMs, workflowLink, type DemoSettings } from './settings';

/**
 * One demo run: check the stack is there, start one onboarding per scenario through the API,
 * follow each until it settles (deciding the manual review through the sandbox's admin API when
 * the onboarding shows it waiting), and say which reached what they should. Everything it talks
 * to comes in as a dependency, so tests drive it against fakes or a real stack alike.
 */

/** What the demo uses of the sandbox's admin API (tests pass a fake). */
export type DemoSandbox = Pick<
  SandboxAdminClient,
  'url' | 'stats' | 'decide' | 'user' | 'webhooks'
>;

export interface DemoDependencies {
  settings: DemoSettings;
  client: Pick<OnboardingApiClient, 'start' | 'get' | 'list'>;
  sandbox: DemoSandbox;
  out: DemoStream;
  /** One-line failures (preflight); defaults to `out`. */
  errorOut?: DemoStream;
  /** For the preflight's unauthenticated probe. */
  fetchImpl?: typeof fetch;
  /** Aborted on Ctrl-C: the demo stops following, the onboardings keep running. */
  signal?: AbortSignal;
  clock?: () => number;
  runId?: string;
  scenarios?: Scenario[];
  /** How often each onboarding is asked for (and the table redrawn); default 500 ms. */
  pollIntervalMs?: number;
  /** Default: derived from the configured timing (settings.ts). */
  timeoutMs?: number;
}

export const EXIT_OK = 0;
export const EXIT_FAILED = 1;
/** As a shell reports a process ended by Ctrl-C. */
export const EXIT_INTERRUPTED = 130;

const DEFAULT_POLL_INTERVAL_MS = 500;

/** Resolves after `ms`, or at once when `signal` aborts (never rejects). */
async function pause(ms: number, signal: AbortSignal): Promise<void> {
  await delay(ms, undefined, { signal }).catch(() => undefined);
}

function describeError(error: unknown): string {
  if (error instanceof OnboardingApiError) return `${error.status} ${error.code}: ${error.message}`;
  return error instanceof Error ? error.message : String(error);
}

function header(settings: DemoSettings, runId: string, count: number, timeoutMs: number): string {
  const t = settings.timing;
  const lines = [
    `Onboarding demo, run ${runId}: ${count} onboardings through the API at ${settings.apiUrl}, ` +
      `Ingo sandbox at ${settings.sandboxUrl}.`,
    `KYC timing (ONBOARDING_KYC_*, local.env): ${kycWaitText(t)}; a failed KYC waits ` +
      `${durationText(t.kycResubmitWindow)} for corrected data.`,
    `Gives up after ${formatDuration(timeoutMs)}.` +
      (settings.temporalUiUrl
        ? ` Temporal UI: ${settings.temporalUiUrl} (namespace ${settings.namespace}).`
        : ''),
    '',
  ];
  return lines.join('\n');
}

export async function runDemo(deps: DemoDependencies): Promise<number> {
  const { settings, client, sandbox, out } = deps;
  const clock = deps.clock ?? Date.now;
  const errorOut = deps.errorOut ?? out;
  try {
    await preflight({
      apiUrl: settings.apiUrl,
      client,
      sandbox,
      fetchImpl: deps.fetchImpl,
    });
  } catch (error) {
    if (!(error instanceof PreflightError)) throw error;
    errorOut.write(`${error.message}\n`);
    return EXIT_FAILED;
  }
  if (deps.signal?.aborted) {
    out.write('Stopped (Ctrl-C) before anything was started.\n');
    return EXIT_INTERRUPTED;
  }

  const runId = deps.runId ?? newRunId();
  const scenarios = deps.scenarios ?? demoScenarios(runId);
  const pollIntervalMs = deps.pollIntervalMs ?? DEFAULT_POLL_INTERVAL_MS;
  const timeoutMs = deps.timeoutMs ?? demoTimeoutMs(settings);
  const output = createLiveOutput(out);
  out.write(header(settings, runId, scenarios.length, timeoutMs));

  const started = clock();
  const rows: ProgressRow[] = scenarios.map((scenario) => {
    const workflowId = onboardingWorkflowId(scenario.request.signupId);
    return {
      key: scenario.key,
      title: scenario.title,
      expected: scenario.expected,
      signupId: scenario.request.signupId,
      workflowId,
      link: workflowLink(settings, workflowId),
      verdict: 'running',
      startedAt: started,
    };
  });
  // Stops every follower: all settled, time up, or Ctrl-C.
  const done = new AbortController();
  const refresh = () => output.update(rows, clock());

  try {
    output.update(rows, clock());
    const followers = scenarios.map((scenario, index) =>
      follow(scenario, rows[index]!, { ...deps, clock, output, refresh, pollIntervalMs }, done),
    );
    const ticker = output.tty ? tick(refresh, pollIntervalMs, done.signal) : Promise.resolve();
    const outcome = await Promise.race([
      Promise.all(followers).then(() => 'settled' as const),
      pause(timeoutMs, done.signal).then(() => 'timeout' as const),
      ...(deps.signal ? [aborted(deps.signal).then(() => 'interrupted' as const)] : []),
    ]);
    done.abort();
    await ticker;

    const now = clock();
    if (outcome === 'timeout') {
      for (const row of rows) {
        if (row.verdict === 'running') Object.assign(row, { verdict: 'timed_out', settledAt: now });
      }
    }
    output.update(rows, now, { final: true });
    output.close();
    out.write(
      renderSummary(rows, now, {
        colors: output.colors,
        runId,
        tookMs: now - started,
        timedOutAfterMs: outcome === 'timeout' ? timeoutMs : undefined,
        interrupted: outcome === 'interrupted',
      }),
    );
    if (outcome === 'interrupted') {
      out.write(
        'The onboardings keep running in the stack: follow them in the Temporal UI or with ' +
          '`npm run cli -- status <signupId>`.\n',
      );
      return EXIT_INTERRUPTED;
    }
    return rows.every((row) => row.verdict === 'reached') ? EXIT_OK : EXIT_FAILED;
  } finally {
    done.abort();
    output.close();
  }
}

function aborted(signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) =>
    signal.addEventListener('abort', () => resolve(), { once: true }),
  );
}

/** Redraws the TTY table now and then, so times advance while nothing else changes. */
async function tick(refresh: () => void, everyMs: number, signal: AbortSignal): Promise<void> {
  while (!signal.aborted) {
    await pause(everyMs, signal);
    if (!signal.aborted) refresh();
  }
}

interface FollowContext extends DemoDependencies {
  clock: () => number;
  output: LiveOutput;
  refresh: () => void;
  pollIntervalMs: number;
}

/** Starts one onboarding and asks for it until it settles or the demo stops. */
async function follow(
  scenario: Scenario,
  row: ProgressRow,
  context: FollowContext,
  done: AbortController,
): Promise<void> {
  const { client, clock, refresh } = context;
  try {
    const started = await client.start(scenario.request);
    row.workflowId = started.workflowId;
    row.link = workflowLink(context.settings, started.workflowId);
    // A fresh run id makes every signup new; a 200 means this one was started before.
    if (!started.created) row.problem = 'this signup already had an onboarding';
  } catch (error) {
    Object.assign(row, {
      verdict: 'unexpected',
      settledAt: clock(),
      problem: `start refused: ${describeError(error)}`,
    });
    refresh();
    return;
  }
  refresh();

  let decided = false;
  while (!done.signal.aborted) {
    let view: OnboardingView | undefined;
    try {
      view = await client.get(row.signupId);
      if (row.problem?.startsWith('cannot ask')) row.problem = undefined;
    } catch (error) {
      // The API or Temporal away for a moment: say so and keep asking until the timeout.
      row.problem = `cannot ask for it: ${describeError(error)}`;
    }
    if (done.signal.aborted) return;
    if (view) {
      applyView(row, view, scenario, clock());
      if (scenario.kycDecidedBy === 'operator' && !decided && awaitsManualDecision(view)) {
        decided = await decideManualReview(row, view.ingoUserId!, context);
      } else if (!isSettled(row.verdict) && !decided) {
        row.note = waitingNote(scenario, view, context.settings);
      }
      if (isSettled(row.verdict)) {
        await addIngoFacts(row, view, context);
        refresh();
        return;
      }
    }
    refresh();
    await pause(context.pollIntervalMs, done.signal);
  }
}

/**
 * How the API shows a review the sandbox keeps open for an operator (SSN ending 2222): the Ingo
 * user exists and KYC is `in_review` while the onboarding runs.
 */
function awaitsManualDecision(view: OnboardingView): boolean {
  return (
    view.status === 'in_progress' && view.ingoUserId !== null && view.kycStatus === 'in_review'
  );
}

/** What a running onboarding waits for, where its scenario makes that worth saying. */
function waitingNote(
  scenario: Scenario,
  view: OnboardingView,
  settings: DemoSettings,
): string | undefined {
  if (view.step !== 'kyc' || view.kycStatus !== 'in_review') return undefined;
  if (scenario.kycDecidedBy === 'poll') {
    const grace = durationText(settings.timing.kycGracePeriod);
    return `no webhook will come: Ingo is asked after the ${grace} grace period`;
  }
  return undefined;
}

/** The row as the API sees the onboarding; a settled one also says what it ended with. */
function applyView(row: ProgressRow, view: OnboardingView, scenario: Scenario, now: number) {
  row.status = view.status;
  row.step = view.step;
  row.kycStatus = view.kycStatus;
  row.verdict = verdictOf(scenario.expected, view.status);
  if (isSettled(row.verdict)) {
    row.settledAt ??= now;
    row.note = outcomeNote(view);
  }
}

/** Returns whether the decision was made; a failure is shown and tried again next time. */
async function decideManualReview(
  row: ProgressRow,
  ingoUserId: string,
  context: FollowContext,
): Promise<boolean> {
  try {
    await context.sandbox.decide(ingoUserId, 'verified');
  } catch (error) {
    row.problem =
      error instanceof SandboxAdminError && error.code === 'INVALID_STATE'
        ? `the sandbox has no open review for ${ingoUserId} yet`
        : `manual decision failed: ${describeError(error)}`;
    return false;
  }
  row.problem = undefined;
  row.note = 'approved through the sandbox admin API';
  context.output.message(
    `manual review of ${row.signupId} (Ingo user ${ingoUserId}) approved through the sandbox ` +
      'admin API',
  );
  return true;
}

/** What the sandbox saw, e.g. three webhooks for one submission; best effort, it only adds. */
async function addIngoFacts(row: ProgressRow, view: OnboardingView, context: FollowContext) {
  if (view.status !== 'completed' || view.ingoUserId === null) return;
  try {
    const userId = view.ingoUserId;
    const [user, events] = await Promise.all([
      context.sandbox.user(userId),
      context.sandbox.webhooks({ userId }),
    ]);
    row.note = outcomeNote(view, ingoFactsOf(user, events));
  } catch {
    // The outcome stands without the sandbox's account of it.
  }
}
