import type { Logger } from 'pino';
import type { Faults } from './faults';
import type { KycReviews } from './kyc';
import type { SandboxOptions } from './options';
import type { SandboxState } from './state';
import type { Webhooks } from './webhooks';

/** What the routers share: one instance per sandbox, so several sandboxes can run side by side. */
export interface SandboxContext {
  options: SandboxOptions;
  state: SandboxState;
  faults: Faults;
  kyc: KycReviews;
  webhooks: Webhooks;
  log: Logger;
  /** Waits `ms` (injected latency); rejects when the sandbox closes. */
  pause(ms: number): Promise<void>;
}
