import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { StartOnboardingBody } from '../../src/api/schemas';

/**
 * The demo's onboardings: one per KYC outcome the sandbox contract knows (the SSN's last four
 * digits decide it, docs/SANDBOX.md), with and without the optional steps, each with the state it
 * must end in. Requests are the documented example with a fresh signup id, email and SSN ending,
 * so the demo can run again and again against the same stack without meeting its earlier runs.
 */

/** The final states a demo onboarding may be expected to reach. */
export type ExpectedState = 'completed' | 'kyc_failed';

export interface ScenarioSpec {
  /** Short and id-safe: it ends the signup id. */
  key: string;
  /** What the row is called on screen. */
  title: string;
  ssnLastFour: string;
  expected: ExpectedState;
  /**
   * How the KYC decision reaches the onboarding: by webhook; by polling (the sandbox sends no
   * webhook); or only once an operator decides, which the demo does through the admin API.
   */
  kycDecidedBy: 'webhook' | 'poll' | 'operator';
  bankAccount: boolean;
  checkByMail: boolean;
  billPay: boolean;
}

export interface Scenario extends ScenarioSpec {
  request: StartOnboardingBody;
}

export const SCENARIO_SPECS: readonly ScenarioSpec[] = [
  {
    key: 'webhook',
    title: 'KYC by webhook, every extra',
    ssnLastFour: '4321',
    expected: 'completed',
    kycDecidedBy: 'webhook',
    bankAccount: true,
    checkByMail: true,
    billPay: true,
  },
  {
    key: 'polling',
    title: 'webhook lost, polling',
    ssnLastFour: '1111',
    expected: 'completed',
    kycDecidedBy: 'poll',
    bankAccount: false,
    checkByMail: false,
    billPay: false,
  },
  {
    key: 'kyc-failed',
    title: 'KYC failed',
    ssnLastFour: '0000',
    expected: 'kyc_failed',
    kycDecidedBy: 'webhook',
    bankAccount: true,
    checkByMail: false,
    billPay: true,
  },
  {
    key: 'manual-review',
    title: 'manual review',
    ssnLastFour: '2222',
    expected: 'completed',
    kycDecidedBy: 'operator',
    bankAccount: true,
    checkByMail: true,
    billPay: false,
  },
  {
    key: 'duplicates',
    title: 'duplicate webhooks',
    ssnLastFour: '3333',
    expected: 'completed',
    kycDecidedBy: 'webhook',
    bankAccount: true,
    checkByMail: false,
    billPay: true,
  },
  {
    key: 'bill-pay-only',
    title: 'bill pay only',
    ssnLastFour: '5678',
    expected: 'completed',
    kycDecidedBy: 'webhook',
    bankAccount: false,
    checkByMail: false,
    billPay: true,
  },
];

export const EXAMPLE_REQUEST_FILE = path.resolve(
  __dirname,
  '../../docs/examples/onboarding-request.json',
);

/** The documented example request (docs/examples/onboarding-request.json). */
export function readExampleRequest(file = EXAMPLE_REQUEST_FILE): StartOnboardingBody {
  return JSON.parse(fs.readFileSync(file, 'utf8')) as StartOnboardingBody;
}

/** Short, and different on every run: it makes every signup id and email of the run new. */
export function newRunId(): string {
  return randomBytes(3).toString('hex');
}

export function demoSignupId(runId: string, key: string): string {
  return `demo-${runId}-${key}`;
}

/** `jane.doe@example.com` → `jane.doe+demo-1a2b3c-webhook@example.com`: one Ingo user each. */
function taggedEmail(email: string, tag: string): string {
  const at = email.lastIndexOf('@');
  return `${email.slice(0, at)}+${tag}${email.slice(at)}`;
}

/** The payee a mailed check goes to: the applicant, at home (no sandbox trigger in it). */
function checkPayee(example: StartOnboardingBody) {
  const { firstName, lastName, address } = example.applicant;
  const { country: _country, ...postal } = address;
  return { beneficiary: { account: '88004417', firstName, lastName, address: postal } };
}

/** The example's bill account, or one the sandbox's catalogue accepts when it has none. */
function billAccount(example: StartOnboardingBody) {
  return (
    example.payoutDestinations?.billPay ?? {
      account: '1234567890',
      billerName: 'Metro Power & Light',
    }
  );
}

const EXAMPLE_BANK_ACCOUNT = { accountNumber: '000123456789', routingNumber: '021000021' };

export function scenarioRequest(
  spec: ScenarioSpec,
  runId: string,
  example: StartOnboardingBody,
): StartOnboardingBody {
  const signupId = demoSignupId(runId, spec.key);
  const { applicant } = example;
  const payouts = {
    ...(spec.checkByMail ? { checkByMail: checkPayee(example) } : {}),
    ...(spec.billPay ? { billPay: billAccount(example) } : {}),
  };
  // No `timing`: the stack's configuration (local.env, ONBOARDING_KYC_*) decides it.
  return {
    signupId,
    applicant: {
      ...applicant,
      email: taggedEmail(applicant.email, signupId),
      ssn: `${applicant.ssn.slice(0, 5)}${spec.ssnLastFour}`,
    },
    ...(spec.bankAccount
      ? { externalBankAccount: example.externalBankAccount ?? EXAMPLE_BANK_ACCOUNT }
      : {}),
    ...(Object.keys(payouts).length > 0 ? { payoutDestinations: payouts } : {}),
  };
}

export function demoScenarios(
  runId: string,
  example: StartOnboardingBody = readExampleRequest(),
  specs: readonly ScenarioSpec[] = SCENARIO_SPECS,
): Scenario[] {
  return specs.map((spec) => ({ ...spec, request: scenarioRequest(spec, runId, example) }));
}
