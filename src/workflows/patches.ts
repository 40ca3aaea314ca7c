/**
 * The patches of released workflow code (`patched()`): a history recorded before a patch replays
 * the old path. Every patch costs each new history a marker and an upsert of Temporal's
 * `TemporalChangeVersion` search attribute (both events, the upsert a billed action), so changes
 * released together share one, asked once at the workflow's start. A patch is deprecated
 * (`deprecatePatch`), then removed, once no open workflow predates it.
 */

/** The onboarding takes Ingo's `account.issue.created` (signal `routableAccountIssued`). */
export const ADOPT_ANNOUNCED_ACCOUNT = 'adopt-announced-account';

/**
 * Lighter histories and workflows (docs/BENCHMARKS.md): the onboarding's input checked by the
 * local activity `validateOnboardingInput` (zod out of the sandbox), search attributes upserted
 * only when changed, and the KYC review's webhook confirmations spaced.
 *
 * Asked in the workflow's first activation, before anything is awaited: a patch first asked after
 * a local activity's result, within the same workflow task, is not seen again on replay (a
 * nondeterminism error, found by test/onboarding/end-to-end.test.ts).
 */
export const LIGHTER_WORKFLOWS = 'lighter-workflows';
