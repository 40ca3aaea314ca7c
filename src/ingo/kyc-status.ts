/**
 * Ingo's KYC statuses as the orchestrator keeps them (the webhook's `rejected` is read as
 * `failed`). Free of zod, so workflow code can import it: see src/workflows/lazy-schemas.ts.
 */
export const KYC_STATUSES = ['not_started', 'in_review', 'verified', 'failed'] as const;
export type KycStatus = (typeof KYC_STATUSES)[number];
