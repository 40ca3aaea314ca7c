import { ApplicationFailure } from '@temporalio/common';
import type { z } from 'zod';
import type { Biller } from '../ingo/schemas/ingopay';
import { BILLER_NOT_FOUND } from '../contract/failure-types';
import type { BillPayToken, CheckPayoutToken } from '../contract/onboarding-view';
import type { billPay, checkByMail } from '../contract/onboarding-input';
import type { ApplicantProfile } from './ingo-user';
import { activityScope, type ActivityDependencies } from './dependencies';
import { ingoCall } from './failure';

export interface TokenizeCheckInput {
  /** `participant_unique_id1`, derived from the onboarding: a retry is answered 101 (replay). */
  uniqueId: string;
  checkByMail: z.output<typeof checkByMail>;
}

export interface TokenizeBillPayInput {
  uniqueId: string;
  billPay: z.output<typeof billPay>;
  /** The bill account's holder: the applicant. */
  holder: Pick<ApplicantProfile, 'firstName' | 'lastName' | 'address'>;
}

/** The biller the input names (by id, then by name), or the only one that takes the account. */
function chooseBiller(billers: Biller[], wanted: TokenizeBillPayInput['billPay']): Biller {
  const byName = (biller: Biller) => biller.name.toLowerCase() === wanted.billerName?.toLowerCase();
  const chosen = wanted.payeeId
    ? billers.find((biller) => biller.payeeId === wanted.payeeId)
    : wanted.billerName
      ? billers.find(byName)
      : billers.length === 1
        ? billers[0]
        : undefined;
  if (chosen) return chosen;
  const asked = wanted.payeeId ?? wanted.billerName;
  const candidates = billers.map((biller) => `${biller.payeeId} ${biller.name}`).join('; ');
  throw ApplicationFailure.create({
    type: BILLER_NOT_FOUND,
    message:
      billers.length === 0
        ? 'no biller takes this bill account'
        : asked
          ? `the biller asked for (${asked}) does not take this bill account; billers that do: ${candidates}`
          : `${billers.length} billers take this bill account, the signup must name one: ${candidates}`,
    details: [{ payeeIds: billers.map((biller) => biller.payeeId) }],
  });
}

export function payoutActivities({ pay, logger }: ActivityDependencies) {
  return {
    /** Verifies a check-by-mail payee and tokenises it (IngoPay verify--check). */
    async tokenizeCheck({ uniqueId, checkByMail }: TokenizeCheckInput): Promise<CheckPayoutToken> {
      const { signal, log } = activityScope(logger);
      const { beneficiary, recipient } = checkByMail;
      const token = await ingoCall(() =>
        pay.verifyCheck(
          {
            participant_unique_id1: uniqueId,
            recipient_is_beneficiary: recipient ? 0 : 1,
            beneficiary: {
              beneficiary_account: beneficiary.account,
              beneficiary_first_name: beneficiary.firstName,
              beneficiary_last_name: beneficiary.lastName,
              beneficiary_address1: beneficiary.address.line1,
              beneficiary_address2: beneficiary.address.line2,
              beneficiary_city: beneficiary.address.city,
              beneficiary_state: beneficiary.address.state,
              beneficiary_zip: beneficiary.address.postalCode,
              beneficiary_phone: beneficiary.phone,
            },
            recipient: recipient && {
              recipient_line1: recipient.nameLine1,
              recipient_line2: recipient.nameLine2,
              recipient_address1: recipient.address.line1,
              recipient_address2: recipient.address.line2,
              recipient_city: recipient.address.city,
              recipient_state: recipient.address.state,
              recipient_zip: recipient.address.postalCode,
              recipient_phone: recipient.phone,
            },
          },
          signal,
        ),
      );
      log.info({ uniqueId, replay: token.replay, status: token.ingoPayStatus }, 'check tokenised');
      return {
        customerAccountToken: token.customerAccountToken,
        last4: token.last4,
        estimatedPostingDate: token.estimatedPostingDate,
        partialAddressMatch: token.partialAddressMatch,
      };
    },

    /** Finds the biller for the bill account, then verifies and tokenises the account with it. */
    async tokenizeBillPay({
      uniqueId,
      billPay,
      holder,
    }: TokenizeBillPayInput): Promise<BillPayToken> {
      const { signal, log } = activityScope(logger);
      const billers = await ingoCall(() =>
        pay.searchBillers(
          { account: billPay.account, amount: billPay.amount, rail_type: 'CREDIT' },
          signal,
        ),
      );
      const biller = chooseBiller(billers, billPay);
      const token = await ingoCall(() =>
        pay.verifyBillpay(
          {
            participant_unique_id1: uniqueId,
            payee_id: biller.payeeId,
            account: billPay.account,
            recipient_first_name: holder.firstName,
            recipient_last_name: holder.lastName,
            recipient_address1: holder.address.line1,
            recipient_address2: holder.address.line2,
            recipient_city: holder.address.city,
            recipient_state: holder.address.state,
            recipient_zip: holder.address.postalCode,
            amount: billPay.amount,
          },
          signal,
        ),
      );
      log.info(
        { uniqueId, payeeId: biller.payeeId, replay: token.replay, status: token.ingoPayStatus },
        'bill pay account tokenised',
      );
      return {
        customerAccountToken: token.customerAccountToken,
        last4: token.last4,
        payeeId: biller.payeeId,
        billerName: biller.name,
        partialAddressMatch: token.partialAddressMatch,
      };
    },
  };
}
