import type { OnboardingApiClient } from '../src/api/client';
import type { ApiStatus, OnboardingListItem } from '../src/api/schemas';
import { RetryCounter } from './api-retry';
import type { OutsideDecisions } from './decisions';
import { listAll } from './list-onboardings';
import type { Operator } from './operator';
import type { PlannedSignup } from './plan';
import { sleep } from './time';

/**
 * Watching the onboardings through the API's list until every planned one has closed, and handing
 * each listing to whoever acts on it: `needs_attention` to the operator, `kyc_failed` (awaiting
 * corrected data) to the customers, `in_progress` (reviews in `in_review`) to Ingo's compliance
 * team. The list reads Temporal visibility, whose cost on the dev server grows with the rows a
 * page returns, so the watch is frugal: the small listings every few seconds, the big one
 * (`in_progress`) every half minute while it is big, and the full listing only to confirm that
 * nothing is open any more.
 */

export interface WatchLimits {
  loadEndedAt: () => number | undefined;
  /** Once the load is over: nothing closing for this long means the rest are stuck. */
  stallMs: number;
  /** Once the load is over: at most this long for everything to close. */
  maxMs: number;
}

export interface WatchOutcome {
  /** The last listing of every planned signup that closed. */
  closed: Map<string, OnboardingListItem>;
  /** Planned signups not closed when the watch gave up, as last listed (or not listed). */
  stuck: { signupId: string; item?: OnboardingListItem }[];
}

const SMALL_EVERY_MS = 5_000;
const BIG_EVERY_MS = 30_000;
/** Below this many rows the `in_progress` listing is cheap enough to read as often as the rest. */
const BIG_ROWS = 100;

export class Watch {
  readonly retries = new RetryCounter();
  /** Open onboardings by status, from the latest listings, for progress lines. */
  statusCounts: Record<string, number> = {};
  private readonly planned: Set<string>;

  constructor(
    private readonly api: OnboardingApiClient,
    signups: readonly PlannedSignup[],
    private readonly operator: Operator,
    private readonly decisions: OutsideDecisions,
    private readonly log: (line: string) => void,
  ) {
    this.planned = new Set(signups.map((s) => s.signupId));
  }

  private async list(status: ApiStatus | undefined): Promise<OnboardingListItem[]> {
    const items = await listAll(this.api, status, this.retries);
    return items.filter((item) => this.planned.has(item.signupId));
  }

  async run(limits: WatchLimits): Promise<WatchOutcome> {
    let inProgress: OnboardingListItem[] = [];
    let inProgressAt = 0;
    let open = Infinity;
    let movedAt = Date.now();
    for (; ; await sleep(SMALL_EVERY_MS)) {
      let parked: OnboardingListItem[];
      let failed: OnboardingListItem[];
      try {
        parked = await this.list('needs_attention');
        await this.operator.handle(parked);
        failed = await this.list('kyc_failed');
        await this.decisions.resubmitFrom(failed);
        const every = inProgress.length > BIG_ROWS ? BIG_EVERY_MS : SMALL_EVERY_MS;
        if (Date.now() - inProgressAt >= every) {
          inProgress = await this.list('in_progress');
          inProgressAt = Date.now();
          await this.decisions.decideFrom(inProgress);
        }
      } catch (error) {
        this.log(`watch: listing failed (${String(error)}); again shortly`);
        continue;
      }

      const awaiting = failed.filter((item) => item.closedAt === null);
      const waitingFor = parked.filter((item) => !this.operator.leftAlone.has(item.signupId));
      const nowOpen = inProgress.length + waitingFor.length + awaiting.length;
      this.statusCounts = {
        in_progress: inProgress.length,
        needs_attention: parked.length,
        awaiting_kyc_resubmission: awaiting.length,
      };
      if (nowOpen < open) movedAt = Date.now();
      open = nowOpen;

      const loadEnd = limits.loadEndedAt();
      if (loadEnd === undefined) continue;
      const now = Date.now();
      const givingUp =
        now - Math.max(movedAt, loadEnd) > limits.stallMs || now - loadEnd > limits.maxMs;
      if (nowOpen > 0 && !givingUp) continue;

      // Nothing listed open (or giving up): the full listing says which closed.
      const all = await this.list(undefined).catch(() => undefined);
      if (all === undefined) continue;
      const closed = new Map(
        all.filter((item) => item.closedAt !== null).map((item) => [item.signupId, item]),
      );
      const latest = new Map(all.map((item) => [item.signupId, item]));
      const stuck = [...this.planned]
        .filter((id) => !closed.has(id))
        .map((signupId) => ({ signupId, item: latest.get(signupId) }));
      if (stuck.every((s) => this.operator.leftAlone.has(s.signupId)) || givingUp) {
        return { closed, stuck };
      }
      // Some not listed open yet not closed (visibility a moment behind): look again soon.
      inProgressAt = 0;
    }
  }
}
