import type { OnboardingView } from '../../src/api/schemas';

/** An onboarding as the API reports it, at any point; `overrides` set what a test is about. */
export function view(signupId: string, overrides: Partial<OnboardingView> = {}): OnboardingView {
  return {
    signupId,
    workflowId: `onboarding-${signupId}`,
    status: 'in_progress',
    step: 'create_user',
    kycStatus: 'not_started',
    ingoUserId: null,
    routableAccount: null,
    lastError: null,
    attempts: { create_user: 1 },
    kycSubmissions: 0,
    startedAt: '2026-01-02T03:04:05.000Z',
    detail: 'full',
    ...overrides,
  };
}

/** A completed onboarding with a routable account, and the extras asked for. */
export function completed(
  signupId: string,
  extras: { linked?: boolean; check?: boolean; billPay?: boolean } = {},
): OnboardingView {
  return view(signupId, {
    status: 'completed',
    step: 'done',
    kycStatus: 'verified',
    ingoUserId: `user-${signupId}`,
    routableAccount: { id: 'rbac-1', routingNumber: '021000021', accountNumberLast4: '1234' },
    ...(extras.linked
      ? {
          linkedBankAccount: {
            id: 'bbac-1',
            routingNumber: '021000021',
            accountNumberLast4: '6789',
            bankName: 'Sandbox Bank',
          },
        }
      : {}),
    payoutTokens: {
      ...(extras.check
        ? {
            checkByMail: {
              customerAccountToken: 'tok-check',
              last4: '4417',
              partialAddressMatch: false,
            },
          }
        : {}),
      ...(extras.billPay
        ? {
            billPay: {
              customerAccountToken: 'tok-bill',
              last4: '7890',
              payeeId: '200104',
              billerName: 'Metro Power & Light',
              partialAddressMatch: false,
            },
          }
        : {}),
    },
    kycSubmissions: 1,
    closedAt: '2026-01-02T03:04:15.000Z',
  });
}
