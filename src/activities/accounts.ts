import type { LinkedAccountSummary, RoutableAccountSummary } from '../contract/onboarding-view';
import { activityScope, type ActivityDependencies } from './dependencies';
import { ingoCall, nonIdempotentIngoCall } from './failure';

export interface LinkBankAccountInput {
  ingoUserId: string;
  /** Derived from the onboarding: a retry replays Ingo's first answer. */
  idempotentKey: string;
  firstName: string;
  lastName: string;
  accountNumber: string;
  routingNumber: string;
}

const last4 = (accountNumber: string) => accountNumber.slice(-4);

export function accountActivities({ banking, logger }: ActivityDependencies) {
  return {
    /**
     * Issues the routable account. Ingo has no idempotency key for this call, so a lost answer
     * fails as an unknown outcome instead of being retried into a second account. Only the last
     * four digits leave the activity: the full number never enters workflow history.
     */
    async issueRoutableAccount({
      ingoUserId,
    }: {
      ingoUserId: string;
    }): Promise<RoutableAccountSummary> {
      const { signal, log } = activityScope(logger);
      const account = await nonIdempotentIngoCall(() =>
        banking.issueRoutableAccount({ user_id: ingoUserId }, signal),
      );
      log.info(
        { ingoUserId, routableBankAccountId: account.routableBankAccountId },
        'routable account issued',
      );
      return {
        routableBankAccountId: account.routableBankAccountId,
        routingNumber: account.routingNumber,
        accountNumberLast4: last4(account.accountNumber),
      };
    },

    async linkBankAccount(input: LinkBankAccountInput): Promise<LinkedAccountSummary> {
      const { signal, log } = activityScope(logger);
      const linked = await ingoCall(() =>
        banking.saveBankAccount(
          {
            user_id: input.ingoUserId,
            idempotent_key: input.idempotentKey,
            first_name: input.firstName,
            last_name: input.lastName,
            account_number: input.accountNumber,
            routing_number: input.routingNumber,
          },
          signal,
        ),
      );
      log.info({ ingoUserId: input.ingoUserId, bankAccountId: linked.bankAccountId }, 'linked');
      return {
        bankAccountId: linked.bankAccountId,
        routingNumber: linked.routingNumber,
        accountNumberLast4: linked.accountNumberLast4,
        bankName: linked.bankName,
      };
    },
  };
}
