/**
 * The Banking webhook event types the receiver acts on (INGO-API.md section 3). Free of zod, so
 * workflow code can import them: see src/workflows/lazy-schemas.ts.
 */
export const KYC_EVENT_TYPES = ['user.kyc.success', 'user.kyc.failed'] as const;
/** Ingo does not publish this event's data; ours is a convention (docs/SANDBOX.md). */
export const ACCOUNT_ISSUED_EVENT_TYPE = 'account.issue.created';
