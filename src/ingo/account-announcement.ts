/**
 * A routable account Ingo announced (signal `routableAccountIssued`), as the onboarding adopts it:
 * ids, routing number and the last four digits, never the full account number.
 */
export interface RoutableAccountAnnouncement {
  eventId: string;
  userId: string;
  routableBankAccountId: string;
  routingNumber: string;
  accountNumberLast4: string;
}

/**
 * An Ingo id as a delivery may carry it: `user-<uuid>` as the sandbox sends it, or the numeric
 * strings of Ingo's documented examples. It becomes part of a workflow id (`kyc-<userId>`).
 */
export const INGO_ID_PATTERN = /^[A-Za-z0-9_-]{1,100}$/;

const FIELD_PATTERNS: Record<keyof RoutableAccountAnnouncement, RegExp> = {
  eventId: /^[^\r\n]{1,255}$/,
  userId: INGO_ID_PATTERN,
  routableBankAccountId: /^[^\r\n]{1,255}$/,
  routingNumber: /^[0-9]{9}$/,
  accountNumberLast4: /^[0-9]{4}$/,
};

/**
 * The fields of a signalled announcement that are missing or malformed; none for a well-formed
 * one. The receiver has checked Ingo's delivery with its zod schema (`accountIssuedEvent`); this is
 * the onboarding's own check of whatever it is signalled (an operator can send the signal too),
 * without zod, which is too heavy to evaluate in every workflow (src/workflows/lazy-schemas.ts).
 */
export function announcementIssues(value: unknown): (keyof RoutableAccountAnnouncement)[] {
  const fields = (typeof value === 'object' && value !== null ? value : {}) as Record<
    string,
    unknown
  >;
  return (Object.keys(FIELD_PATTERNS) as (keyof RoutableAccountAnnouncement)[]).filter((field) => {
    const given = fields[field];
    return typeof given !== 'string' || !FIELD_PATTERNS[field].test(given);
  });
}
