import { loadConfig, type Config } from '../../src/config';
import { webUiUrl } from '../stack/stack-plan';
import { loadTemporalSettings } from '../../src/temporal/connection';
import { timingSchema, type Timing } from '../../src/contract/onboarding-input';

/**
 * What the demo needs to know, read exactly as `npm start` reads it (local.env under the
 * environment, then src/config.ts), so the demo finds the stack on the same ports with the same
 * token, and shows the KYC timing the stack's onboardings really get.
 */

export interface DemoSettings {
  apiUrl: string;
  apiToken: string;
  /** The Ingo sandbox; its admin API is `${sandboxUrl}/_sandbox`. */
  sandboxUrl: string;
  /** Undefined when Temporal is a cluster whose UI nobody named (TEMPORAL_UI_URL). */
  temporalUiUrl?: string;
  namespace: string;
  /** The timing the stack's onboardings run with: its configuration over the workflow defaults. */
  timing: Timing;
  /** How long the sandbox takes to decide an automatic KYC review. */
  sandboxKycDelayMs: number;
}

/** A configuration the demo cannot run against, said in the variables' terms. */
export class DemoRefusal extends Error {
  override readonly name = 'DemoRefusal';
}

const REAL_INGO_VARIABLES = ['INGO_BANKING_BASE_URL', 'INGO_PAY_BASE_URL'] as const;

/** `env` is the merged environment: `{ ...readLocalDefaults(), ...process.env }`. */
export function demoSettings(env: Record<string, string | undefined>): DemoSettings {
  // The scenarios rely on the sandbox's SSN rules and its admin API; real Ingo has neither.
  const realIngo = REAL_INGO_VARIABLES.filter((name) => (env[name] ?? '') !== '');
  if (realIngo.length > 0) {
    throw new DemoRefusal(
      `${realIngo.join(' and ')} ${realIngo.length > 1 ? 'are' : 'is'} set: the demo needs the ` +
        'local Ingo sandbox (its SSN outcomes and admin API), not a real Ingo. Unset ' +
        `${realIngo.length > 1 ? 'them' : 'it'} and run \`npm start\`.`,
    );
  }
  const config: Config = loadConfig(env);
  const temporal = loadTemporalSettings(env);
  return {
    apiUrl: config.api.url,
    apiToken: config.api.token,
    sandboxUrl: config.sandbox.url,
    temporalUiUrl: webUiUrl(env, config),
    namespace: temporal.namespace,
    timing: timingSchema.parse(config.timing),
    sandboxKycDelayMs: config.sandbox.kycDelayMs,
  };
}

/** The Temporal UI page of one workflow. */
export function workflowLink(
  settings: Pick<DemoSettings, 'temporalUiUrl' | 'namespace'>,
  workflowId: string,
): string | undefined {
  if (settings.temporalUiUrl === undefined) return undefined;
  const ns = encodeURIComponent(settings.namespace);
  return `${settings.temporalUiUrl}/namespaces/${ns}/workflows/${encodeURIComponent(workflowId)}`;
}

/** Slack over the slowest path (polling) for starting, account issue and the optional steps. */
const SLACK_MS = 60_000;
/** Polls the slowest path may need: the first finds the decision made; two more for bad luck. */
const POLLS = 3;

/**
 * How long the whole demo may take before the rows still running count as failed: the polling
 * path's wait (the sandbox's decision, the grace period, a few polls) plus a minute. Derived from
 * the configured timing, so a stack with short timings gets a short timeout and vice versa.
 */
export function demoTimeoutMs(settings: Pick<DemoSettings, 'timing' | 'sandboxKycDelayMs'>) {
  const { kycGracePeriod, kycPollInterval } = settings.timing;
  return settings.sandboxKycDelayMs + kycGracePeriod + POLLS * kycPollInterval + SLACK_MS;
}
