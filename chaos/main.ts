import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { OnboardingApiClient } from '../src/api/client';
import { createIngoClients } from '../src/ingo';
import { startScriptedStack, type ScriptedStack } from '../dev/stack/scripted-stack';
import { judge, type Verdict } from './assertions';
import { CRASH_SCHEDULE, CrashRunner } from './crashes';
import { OutsideDecisions } from './decisions';
import { gatherFacts, type Facts } from './facts';
import { LatencyWindows } from './latency-windows';
import { runLoad, type LoadReport } from './load';
import { Operator } from './operator';
import { parseOptions, USAGE, UsageError, type ChaosOptions } from './options';
import { PiiScanner, PROMISED_KINDS, scanFile, type ScanResult } from './pii-scan';
import { buildPlan, scenarioCounts, signupIdOf, type Plan } from './plan';
import { SandboxAdminClient } from '../dev/sandbox/admin-client';
import { chaosStackEnv, LATENCY_WINDOW, REQUEST_TIMING } from './settings';
import { formatSummary, summarise } from './summary';
import { seconds, sleep } from './time';
import { Watch, type WatchOutcome } from './watch';

/**
 * `npm run chaos`: issue 8's chaos run. The whole stack as production runs it (built code), the
 * sandbox injecting faults; onboardings started through the API while the worker is SIGKILLed
 * twice, the Temporal dev server and the API once each (the drive); then the verdict from the
 * onboarding API and the sandbox's admin API, and a scan of every log line for personal data (the
 * audit). Exit 0 only when nothing was violated; 1 with the list of violations; 2 for a usage
 * error; 3 when the run itself could not be carried out.
 */

const runStart = Date.now();
const log = (line: string) => {
  process.stdout.write(`[+${seconds(Date.now() - runStart).toFixed(1)} s] ${line}\n`);
};

interface Drive {
  load: LoadReport;
  crashes: CrashRunner;
  latency: LatencyWindows;
  decisions: OutsideDecisions;
  operator: Operator;
  outcome: WatchOutcome;
  loadMs: number;
  settleMs: number;
}

/** Load, crashes, latency windows, outside decisions and the operator, until all settle. */
async function drive(
  options: ChaosOptions,
  plan: Plan,
  stack: ScriptedStack,
  api: OnboardingApiClient,
  admin: SandboxAdminClient,
): Promise<Drive> {
  const { signups } = plan;
  const crashes = new CrashRunner(stack.stack, CRASH_SCHEDULE, runStart, log);
  const latency = new LatencyWindows(admin, LATENCY_WINDOW);
  const decisions = new OutsideDecisions(api, admin, signups);
  const operator = new Operator(api, admin, runStart, log);
  const watch = new Watch(api, signups, operator, decisions, log);

  let loadEnd: number | undefined = undefined;
  latency.start();
  const crashed = crashes.run();
  const watched = watch.run({
    loadEndedAt: () => loadEnd,
    stallMs: options.stallMs,
    maxMs: options.maxSettleMs,
  });
  const progress = setInterval(() => {
    const counts = Object.entries(watch.statusCounts)
      .map(([status, n]) => `${status} ${n}`)
      .join(', ');
    log(`progress (open): ${counts || 'starting'}`);
  }, 15_000);

  const loadStart = Date.now();
  log(`load: starting ${signups.length} onboardings, ${options.rate}/s`);
  const load = await runLoad(api, signups, {
    concurrency: options.concurrency,
    ratePerSecond: options.rate,
    onStarted: (started) => crashes.setProgress(started / signups.length),
  });
  loadEnd = Date.now();
  log(`load: ${load.started} started in ${seconds(load.durationMs)} s`);
  crashes.finishLoad();
  await crashed;

  const outcome = await watched;
  const settled = Date.now();
  clearInterval(progress);
  log(`settled: ${outcome.closed.size} closed, ${outcome.stuck.length} not`);
  decisions.finish();
  await latency.stop();
  crashes.stop();
  return {
    load,
    crashes,
    latency,
    decisions,
    operator,
    outcome,
    loadMs: loadEnd - loadStart,
    settleMs: settled - loadEnd,
  };
}

interface Audit {
  facts: Facts;
  verdict: Verdict;
  scan: ScanResult;
  /** Parts of the stack with no line in the log file. */
  unscanned: string[];
}

/** Ingo's and the API's account of the run, judged; then, the stack stopped, its log scanned. */
async function audit(
  plan: Plan,
  stack: ScriptedStack,
  api: OnboardingApiClient,
  admin: SandboxAdminClient,
): Promise<Audit> {
  // Ingo is read without faults; deliveries still retrying are given time to finish.
  await admin.putFaults({ errorRate: 0, lostResponseRate: 0, latencyMs: 0 });
  const deadline = Date.now() + 120_000;
  while ((await admin.stats()).webhooks.pending > 0 && Date.now() < deadline) await sleep(1_000);
  log('audit: gathering facts from the API and the sandbox');
  const banking = createIngoClients(stack.plan.config.ingo).banking;
  const facts = await gatherFacts(api, banking, admin, plan.signups);
  const verdict = judge(plan.signups, facts);

  // Every line flushed before the scan.
  await stack.stop();
  log(`audit: scanning ${stack.logFile} for personal data`);
  const scan = await scanFile(
    stack.logFile,
    new PiiScanner(plan.signups.flatMap((signup) => signup.personal)),
    signupIdOf(plan.seed, 0).slice(0, -4),
  );
  const unscanned = stack.plan.parts
    .map((part) => part.name)
    .filter((part) => !scan.components.includes(part));
  return { facts, verdict, scan, unscanned };
}

function violationsOf(d: Drive, a: Audit): string[] {
  return [
    ...d.load.failures.map((f) => `${f.signupId}: never started (${f.reason})`),
    ...d.crashes.records
      .filter((c) => !c.planned)
      .map((c) => `${c.part} died on its own (${c.exit}) at ${seconds(c.killedAtMs)} s`),
    ...d.decisions.report.problems.map((p) => `${p.signupId}: ${p.problem}`),
    ...d.operator.interventions
      .filter((i) => i.action === 'left_alone')
      .map(
        (i) => `${i.signupId}: parked at ${i.step} with ${i.cause}, which no fault should cause`,
      ),
    ...d.outcome.stuck.map(
      (s) => `${s.signupId}: not closed at the deadline (${s.item?.status ?? 'not listed'})`,
    ),
    ...a.verdict.violations,
    ...a.unscanned.map(
      (part) => `the log file holds no line of ${part}: nothing of it was scanned`,
    ),
    ...(a.scan.markedLines === 0
      ? ['the log file names no signup of the run: the scan proves nothing']
      : []),
    ...a.scan.hits
      .filter((hit) => PROMISED_KINDS.includes(hit.kind))
      .map(
        (hit) =>
          `log line ${hit.line} (${hit.component ?? '?'}) holds ${hit.signupId}'s ${hit.kind}`,
      ),
  ];
}

interface RunOutcome {
  ok: boolean;
  violations: string[];
  summaryText: string;
  summaryJson: string;
  factsJson: string;
}

async function run(options: ChaosOptions, plan: Plan, stack: ScriptedStack): Promise<RunOutcome> {
  const api = new OnboardingApiClient({
    baseUrl: stack.apiUrl,
    token: stack.apiToken,
    timeoutMs: 10_000,
  });
  // The sandbox is never restarted during the run: a call without an answer is tried a few times.
  const admin = new SandboxAdminClient(stack.sandboxUrl, { timeoutMs: 30_000, attempts: 5 });
  const d = await drive(options, plan, stack, api, admin);
  const a = await audit(plan, stack, api, admin);
  const violations = violationsOf(d, a);
  const summary = summarise({
    seed: plan.seed,
    onboardings: plan.signups.length,
    scenarios: scenarioCounts(plan.signups.length),
    verdict: a.verdict,
    stats: a.facts.stats,
    latency: d.latency.report,
    crashes: d.crashes.records,
    startRetries: d.load.retries.byReason,
    startsAnsweredExisting: d.load.answeredExisting,
    outsideDecisions: {
      resubmitted: d.decisions.report.resubmitted,
      decidedVerified: d.decisions.report.decidedVerified,
      decidedFailed: d.decisions.report.decidedFailed,
    },
    interventions: d.operator.interventions,
    piiHits: a.scan.hits.filter((hit) => PROMISED_KINDS.includes(hit.kind)),
    nameHits: a.scan.hits.filter((hit) => !PROMISED_KINDS.includes(hit.kind)),
    logLines: a.scan.lines,
    violations,
    loadMs: d.loadMs,
    settleMs: d.settleMs,
    totalMs: Date.now() - runStart,
  });
  return {
    ok: summary.ok,
    violations,
    summaryText: formatSummary(summary, violations),
    summaryJson: JSON.stringify(summary),
    factsJson: JSON.stringify({
      ...a.facts,
      views: Object.fromEntries(a.facts.views),
      sandboxUsers: Object.fromEntries(a.facts.sandboxUsers),
    }),
  };
}

async function main(): Promise<number> {
  let options: ChaosOptions;
  try {
    options = parseOptions(process.argv.slice(2));
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`${error.message}\n${USAGE}\n`);
    return 2;
  }
  const plan = buildPlan(options.onboardings, options.seed, REQUEST_TIMING);
  const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ingo-chaos-'));
  const logFile = path.join(workDir, 'stack.log');
  log(`chaos: ${options.onboardings} onboardings, seed ${options.seed}; logs in ${logFile}`);

  const started = await startScriptedStack({
    code: 'built',
    env: chaosStackEnv(options.logLevel),
    logFile,
    dataDir: path.join(workDir, 'data'),
  });
  // Stopped once, whoever asks first (the audit before its log scan, an interrupt, the end).
  let stopping: Promise<void> | undefined;
  const stack: ScriptedStack = { ...started, stop: () => (stopping ??= started.stop()) };
  log(`stack: serving (pids ${JSON.stringify(stack.stack.pids())})`);
  const interrupt = () => {
    log('interrupted: stopping the stack');
    void stack.stop().finally(() => process.exit(130));
  };
  process.once('SIGINT', interrupt);
  process.once('SIGTERM', interrupt);

  let outcome: RunOutcome;
  try {
    outcome = await run(options, plan, stack);
  } finally {
    await stack.stop();
  }
  process.stdout.write(`${outcome.summaryText}\n\nchaos summary ${outcome.summaryJson}\n`);
  if (outcome.ok && !options.keep) {
    fs.rmSync(workDir, { recursive: true, force: true });
    return 0;
  }
  // Kept to look into, or to judge again: the log, Temporal's database, the facts, the verdict.
  fs.writeFileSync(path.join(workDir, 'violations.txt'), outcome.violations.join('\n'));
  fs.writeFileSync(path.join(workDir, 'summary.json'), `${outcome.summaryJson}\n`);
  fs.writeFileSync(path.join(workDir, 'facts.json'), outcome.factsJson);
  process.stdout.write(`the stack's log, data and the audit's facts are kept in ${workDir}\n`);
  return outcome.ok ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`chaos run could not be carried out: ${String(error)}\n`);
    if (error instanceof Error && error.stack) process.stderr.write(`${error.stack}\n`);
    process.exit(3);
  },
);
