import type { OnboardingRequest } from '../../src/contract/onboarding-input';

/**
 * Signups for the tests and the benchmarks: each its own id and email (so it owns exactly one Ingo
 * user), the SSN's last four digits choosing the sandbox's KYC outcome (docs/SANDBOX.md).
 */

export type Applicant = OnboardingRequest['applicant'];

export function applicantFor(signupId: string, ssnLast4 = '6789'): Applicant {
  return {
    firstName: 'Jane',
    lastName: 'Doe',
    email: `jane.doe+${signupId}@example.com`,
    phoneNumber: '2015550123',
    address: { line1: '1 Main Street', city: 'Newark', state: 'NJ', postalCode: '07102' },
    dateOfBirth: '1990-04-12',
    ssn: `12345${ssnLast4}`,
  };
}

/** The optional steps too: an external account to link, a check payee and a bill payee. */
export const OPTIONAL_STEPS: Required<Pick<OnboardingRequest, 'bankAccount' | 'payouts'>> = {
  bankAccount: { accountNumber: '000123456789', routingNumber: '021000021' },
  payouts: {
    checkByMail: {
      beneficiary: {
        account: '3000000038',
        firstName: 'Alex',
        lastName: 'Rivera',
        address: { line1: '9 Elm Street', city: 'Trenton', state: 'NJ', postalCode: '08608' },
      },
    },
    billPay: { account: '1234567890', billerName: 'Metro Power & Light' },
  },
};
