import type { Verdict } from './assertions';
import type { CrashRecord } from './crashes';
import type { LatencyWindowReport } from './latency-windows';
import type { Intervention } from './operator';
import type { PiiHit } from './pii-scan';
import type { FaultCounts, SandboxStats } from '../dev/sandbox/admin-client';
import { seconds } from './time';

/**
 * What a run prints at the end: a readable summary, then the same as one JSON line
 * (`chaos summary {...}`) for CI and for docs/RELIABILITY.md's figures.
 */

export interface Summary {
  ok: boolean;
  seed: number;
  onboardings: number;
  scenarios: Record<string, number>;
  finalStates: Record<string, number>;
  kycDecidedBy: Record<string, number>;
  faultsInjected: FaultCounts;
  latencyWindows: { windows: number; latencyMs: number; onMs: number };
  webhooks: Verdict['webhooks'] & { duplicateSignals: number; attempts: number };
  crashes: { part: string; atS: number; downtimeS: number; planned: boolean; exit: string }[];
  startRetries: Record<string, number>;
  startsAnsweredExisting: number;
  outsideDecisions: { resubmitted: number; decidedVerified: number; decidedFailed: number };
  operatorInterventions: Record<string, number>;
  /** Onboardings the operator acted on at least once. */
  onboardingsParked: number;
  ingo: { users: number; routableAccounts: number; linkedBankAccounts: number; tokens: number };
  duplicatesFound: number;
  lost: number;
  piiHits: number;
  nameHits: number;
  logLines: number;
  violations: number;
  timesS: { load: number; settle: number; total: number };
}

export interface SummaryInput {
  seed: number;
  onboardings: number;
  scenarios: Record<string, number>;
  verdict: Verdict;
  stats: SandboxStats;
  latency: LatencyWindowReport;
  crashes: CrashRecord[];
  startRetries: Record<string, number>;
  startsAnsweredExisting: number;
  outsideDecisions: Summary['outsideDecisions'];
  interventions: Intervention[];
  piiHits: PiiHit[];
  nameHits: PiiHit[];
  logLines: number;
  violations: string[];
  loadMs: number;
  settleMs: number;
  totalMs: number;
}

export function summarise(input: SummaryInput): Summary {
  const interventions: Record<string, number> = {};
  for (const i of input.interventions) {
    const key = `${i.cause}:${i.action}`;
    interventions[key] = (interventions[key] ?? 0) + 1;
  }
  const { stats, verdict } = input;
  return {
    ok: input.violations.length === 0,
    seed: input.seed,
    onboardings: input.onboardings,
    scenarios: input.scenarios,
    finalStates: verdict.finalStates,
    kycDecidedBy: verdict.kycDecidedBy,
    faultsInjected: stats.faults,
    latencyWindows: {
      windows: input.latency.windows,
      latencyMs: input.latency.latencyMs,
      onMs: input.latency.onMs,
    },
    webhooks: {
      ...verdict.webhooks,
      duplicateSignals: verdict.duplicateSignals,
      attempts: stats.webhooks.attempts,
    },
    crashes: input.crashes.map((c) => ({
      part: c.part,
      atS: seconds(c.killedAtMs),
      downtimeS: seconds(c.downtimeMs),
      planned: c.planned,
      exit: c.exit,
    })),
    startRetries: input.startRetries,
    startsAnsweredExisting: input.startsAnsweredExisting,
    outsideDecisions: input.outsideDecisions,
    operatorInterventions: interventions,
    onboardingsParked: new Set(input.interventions.map((i) => i.signupId)).size,
    ingo: {
      users: stats.usersCreated,
      routableAccounts: stats.accountsIssued,
      linkedBankAccounts: stats.bankAccountsLinked,
      tokens: stats.tokensIssued,
    },
    duplicatesFound: verdict.duplicates,
    lost: verdict.lost,
    piiHits: input.piiHits.length,
    nameHits: input.nameHits.length,
    logLines: input.logLines,
    violations: input.violations.length,
    timesS: {
      load: seconds(input.loadMs),
      settle: seconds(input.settleMs),
      total: seconds(input.totalMs),
    },
  };
}

const pairs = (counts: Record<string, number>) =>
  Object.entries(counts)
    .map(([key, n]) => `${key} ${n}`)
    .join(', ') || 'none';

export function formatSummary(summary: Summary, violations: readonly string[]): string {
  const s = summary;
  const f = s.faultsInjected;
  const w = s.webhooks;
  const lines = [
    '',
    `chaos run ${s.ok ? 'PASSED' : 'FAILED'} (seed ${s.seed})`,
    `  onboardings        ${s.onboardings}: ${pairs(s.scenarios)}`,
    `  final states       ${pairs(s.finalStates)}`,
    `  KYC decided by     ${pairs(s.kycDecidedBy)}`,
    `  faults injected    ${f.errors} transient 5xx, ${f.lostResponses} lost responses, ` +
      `${f.delayedCalls} calls +${s.latencyWindows.latencyMs} ms (${s.latencyWindows.windows} windows), ` +
      `${f.droppedWebhooks} webhooks dropped, ${f.duplicatedWebhooks} duplicated, ` +
      `${f.reorderedWebhooks} reordered`,
    `  webhooks           ${w.events} events, ${w.acknowledged} acknowledged, ` +
      `${w.learnedByPolling} learned by polling, ${w.learnedFromAnswer} from the call's answer, ` +
      `${w.superseded} superseded; ${w.deliveries} deliveries (${w.deliveriesDropped} dropped), ` +
      `${w.attempts} attempts; ${w.duplicateSignals} duplicate signals ignored`,
    `  crashes            ${
      s.crashes
        .map(
          (c) =>
            `${c.part}${c.planned ? '' : ' (on its own!)'} at ${c.atS} s, down ${c.downtimeS} s`,
        )
        .join('; ') || 'none'
    }`,
    `  start retries      ${pairs(s.startRetries)}; ${s.startsAnsweredExisting} answered "already onboarding"`,
    `  outside decisions  ${s.outsideDecisions.resubmitted} KYC resubmissions, ` +
      `${s.outsideDecisions.decidedVerified} reviews verified, ${s.outsideDecisions.decidedFailed} failed`,
    `  operator           ${pairs(s.operatorInterventions)} (${s.onboardingsParked} onboardings)`,
    `  Ingo holds         ${s.ingo.users} users, ${s.ingo.routableAccounts} routable accounts, ` +
      `${s.ingo.linkedBankAccounts} linked accounts, ${s.ingo.tokens} payout tokens`,
    `  duplicates found   ${s.duplicatesFound}`,
    `  lost               ${s.lost}`,
    `  PII in logs        ${s.piiHits} (in ${s.logLines} lines; names, not promised: ${s.nameHits})`,
    `  time               ${s.timesS.total} s (load ${s.timesS.load} s, settling ${s.timesS.settle} s)`,
  ];
  if (violations.length > 0) {
    lines.push('', `${violations.length} violations:`);
    const shown = violations.slice(0, 50);
    lines.push(...shown.map((v) => `  - ${v}`));
    if (violations.length > shown.length) {
      lines.push(`  ... and ${violations.length - shown.length} more`);
    }
  }
  return lines.join('\n');
}
