/**
 * Deterministic IngoPay outcomes for payout destinations, chosen by the data submitted so tests and
 * demos can reach every path (docs/SANDBOX.md lists them). Anything else succeeds with 100.
 */

const ACCOUNT_ENDINGS: Record<string, number> = {
  '0700': 700, // account not available for processing
  '1042': 1042, // check-digit failure
};

/** Address verification declines, checked before partial matches. */
const DECLINING_ZIPS: Record<string, number> = { '99753': 753, '99754': 754, '99755': 755 };

/** Successes with a partial address match. */
const PARTIAL_MATCH_ZIPS: Record<string, number> = { '99111': 111, '99112': 112, '99113': 113 };

/** The IngoPay status for an account and the ZIP codes given with it (ZIP+4 by its first five). */
export function destinationStatus(account: string, zips: (string | undefined)[]): number {
  const byAccount = ACCOUNT_ENDINGS[account.slice(-4)];
  if (byAccount !== undefined) return byAccount;
  const zip5s = zips
    .filter((zip): zip is string => zip !== undefined)
    .map((zip) => zip.slice(0, 5));
  for (const table of [DECLINING_ZIPS, PARTIAL_MATCH_ZIPS]) {
    const hit = zip5s.map((zip) => table[zip]).find((status) => status !== undefined);
    if (hit !== undefined) return hit;
  }
  return 100;
}
