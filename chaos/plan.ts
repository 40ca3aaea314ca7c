import type { StartOnboardingBody } from '../src/api/schemas';
import type { TimingRequest } from '../src/contract/onboarding-input';
import { Random } from './random';

/**
 * The run's signups, decided from a seed before anything starts: each one's KYC scenario (the
 * sandbox decides KYC by the SSN's last four digits, docs/SANDBOX.md), what else it asks for, the
 * final state that scenario prescribes, and every personal value it carries, so the log scan can
 * look for each of them. Every SSN, date of birth, email, phone and account number is unique to
 * its signup (up to a few thousand signups), so a hit names the signup it came from.
 */

export const KYC_SCENARIOS = [
  /** Any other ending: verified, one `user.kyc.success` webhook. */
  'webhook',
  /** 1111: verified, no webhook: the onboarding learns it by polling. */
  'poll',
  /** 0000: failed; the customer sends corrected data through the API, which is verified. */
  'failed_resubmitted',
  /** 0000: failed; no corrected data comes, the window closes. */
  'failed_final',
  /** 2222: in review until Ingo's compliance team (the admin API) verifies the user. */
  'manual_verified',
  /** 2222: in review until Ingo's compliance team fails it; no corrected data follows. */
  'manual_failed',
  /** 3333: verified, the same event delivered three times. */
  'duplicates',
] as const;
export type KycScenario = (typeof KYC_SCENARIOS)[number];

export type FinalState = 'completed' | 'kyc_failed';

/** Shares of the mix; every scenario appears at least once in a plan of 7 or more. */
export const SCENARIO_WEIGHTS: Record<KycScenario, number> = {
  webhook: 0.5,
  poll: 0.1,
  failed_resubmitted: 0.07,
  failed_final: 0.05,
  manual_verified: 0.08,
  manual_failed: 0.04,
  duplicates: 0.16,
};

export const EXTRA_SHARES = { bankAccount: 0.4, checkByMail: 0.3, billPay: 0.3 } as const;

const SSN_ENDING: Record<KycScenario, string | undefined> = {
  webhook: undefined,
  poll: '1111',
  failed_resubmitted: '0000',
  failed_final: '0000',
  manual_verified: '2222',
  manual_failed: '2222',
  duplicates: '3333',
};

/** Endings with a meaning in the sandbox: KYC outcomes, and IngoPay's declining accounts. */
const SPECIAL_ENDINGS = new Set(['0000', '1111', '2222', '3333', '0700', '1042']);

/** The final state a scenario prescribes. */
export function expectedFinalState(scenario: KycScenario): FinalState {
  switch (scenario) {
    case 'failed_final':
    case 'manual_failed':
      return 'kyc_failed';
    default:
      return 'completed';
  }
}

/** The SSN's last four digits for a scenario; the default one is any ending without a meaning. */
export function ssnEnding(scenario: KycScenario, random: Random): string {
  const fixed = SSN_ENDING[scenario];
  if (fixed !== undefined) return fixed;
  for (;;) {
    const ending = random.digits(4);
    if (!SPECIAL_ENDINGS.has(ending)) return ending;
  }
}

export type PersonalKind =
  | 'ssn'
  | 'dateOfBirth'
  | 'email'
  | 'phone'
  | 'bankAccount'
  | 'checkAccount'
  | 'billAccount'
  | 'name';

export interface PersonalValue {
  kind: PersonalKind;
  value: string;
  signupId: string;
}

export interface PlannedSignup {
  index: number;
  signupId: string;
  scenario: KycScenario;
  expected: FinalState;
  request: StartOnboardingBody;
  /** The corrected data the customer sends (`failed_resubmitted` only). */
  resubmission?: { ssn: string; dateOfBirth: string };
  extras: { bankAccount: boolean; checkByMail: boolean; billPay: boolean };
  email: string;
  personal: PersonalValue[];
}

export interface Plan {
  seed: number;
  signups: PlannedSignup[];
}

/** How many of `count` signups each scenario gets: its share, at least one, summing to `count`. */
export function scenarioCounts(count: number): Record<KycScenario, number> {
  const counts = Object.fromEntries(KYC_SCENARIOS.map((s) => [s, 0])) as Record<
    KycScenario,
    number
  >;
  if (count <= 0) return counts;
  const floor = count >= KYC_SCENARIOS.length ? 1 : 0;
  const exact = KYC_SCENARIOS.map((s) => ({ s, share: SCENARIO_WEIGHTS[s] * count }));
  let assigned = 0;
  for (const { s, share } of exact) {
    counts[s] = Math.max(floor, Math.floor(share));
    assigned += counts[s];
  }
  // Largest remainders first, then the biggest scenario absorbs any excess.
  const byRemainder = [...exact].sort(
    (a, b) => b.share - Math.floor(b.share) - (a.share - Math.floor(a.share)),
  );
  for (let i = 0; assigned < count; i += 1) {
    counts[byRemainder[i % byRemainder.length]!.s] += 1;
    assigned += 1;
  }
  while (assigned > count) {
    const biggest = KYC_SCENARIOS.reduce((a, b) => (counts[a] >= counts[b] ? a : b));
    counts[biggest] -= 1;
    assigned -= 1;
  }
  return counts;
}

const CONSONANTS = 'bcdfghjklmnprstvz';
const VOWELS = 'aeiou';

/** A made-up name, e.g. `Bavikoru`: unlike any word a log line would hold. */
function name(random: Random): string {
  let out = '';
  for (let i = 0; i < 4; i += 1) out += random.pick([...CONSONANTS]) + random.pick([...VOWELS]);
  return out[0]!.toUpperCase() + out.slice(1);
}

/** A date of birth between 1950 and 2000 no other signup of the run has (17,000 to draw from). */
function dateOfBirth(random: Random, used: Set<string>): string {
  for (;;) {
    const year = random.int(1950, 2000);
    const month = random.int(1, 12);
    const day = random.int(1, 28);
    const date = `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
    if (!used.has(date)) {
      used.add(date);
      return date;
    }
  }
}

/** Fresh digit strings, none used twice in the run and none ending in a sandbox trigger. */
class UniqueNumbers {
  private readonly used = new Set<string>();
  constructor(private readonly random: Random) {}

  next(length: number, ending?: string): string {
    for (;;) {
      const tail = ending ?? this.random.digits(4);
      if (ending === undefined && SPECIAL_ENDINGS.has(tail)) continue;
      // Never a leading 0 or 1: no Unix time in seconds (1…) or zero-padded id looks like one.
      const head = this.random.pick([...'23456789']) + this.random.digits(length - 5);
      const value = head + tail;
      if (!this.used.has(value)) {
        this.used.add(value);
        return value;
      }
    }
  }
}

function shuffle<T>(items: T[], random: Random): T[] {
  for (let i = items.length - 1; i > 0; i -= 1) {
    const j = random.int(0, i);
    [items[i], items[j]] = [items[j]!, items[i]!];
  }
  return items;
}

const ADDRESS = { line1: '1 Main Street', city: 'Newark', state: 'NJ', postalCode: '07102' };

export function signupIdOf(seed: number, index: number): string {
  return `chaos-${seed.toString(36)}-${String(index).padStart(4, '0')}`;
}

export function buildPlan(count: number, seed: number, timing: TimingRequest = {}): Plan {
  const random = new Random(seed);
  const numbers = new UniqueNumbers(random);
  const emails = new Set<string>();
  const dates = new Set<string>();
  const counts = scenarioCounts(count);
  const scenarios = shuffle(
    KYC_SCENARIOS.flatMap((s) => Array.from({ length: counts[s] }, () => s)),
    random,
  );

  const signups = scenarios.map((scenario, index): PlannedSignup => {
    const signupId = signupIdOf(seed, index);
    const firstName = name(random);
    const lastName = name(random);
    let email: string;
    do {
      email = `${firstName}.${lastName}.${random.digits(5)}@example.com`.toLowerCase();
    } while (emails.has(email));
    emails.add(email);
    const ssn = numbers.next(9, ssnEnding(scenario, random));
    const phoneNumber = numbers.next(10);
    const dob = dateOfBirth(random, dates);
    const extras = {
      bankAccount: random.chance(EXTRA_SHARES.bankAccount),
      checkByMail: random.chance(EXTRA_SHARES.checkByMail),
      billPay: random.chance(EXTRA_SHARES.billPay),
    };
    const personal: PersonalValue[] = [];
    const keep = (kind: PersonalKind, value: string) => personal.push({ kind, value, signupId });
    keep('ssn', ssn);
    keep('dateOfBirth', dob);
    keep('email', email);
    keep('phone', phoneNumber);
    keep('name', firstName);
    keep('name', lastName);

    const request: StartOnboardingBody = {
      signupId,
      applicant: {
        firstName,
        lastName,
        email,
        phoneNumber,
        dateOfBirth: dob,
        ssn,
        address: { ...ADDRESS, country: 'US' },
      },
      timing,
    };
    if (extras.bankAccount) {
      const accountNumber = numbers.next(12);
      keep('bankAccount', accountNumber);
      request.externalBankAccount = { accountNumber, routingNumber: '021000021' };
    }
    if (extras.checkByMail || extras.billPay) request.payoutDestinations = {};
    if (extras.checkByMail) {
      const account = numbers.next(9);
      keep('checkAccount', account);
      request.payoutDestinations!.checkByMail = {
        beneficiary: { account, firstName, lastName, address: ADDRESS },
      };
    }
    if (extras.billPay) {
      // Ten digits: Metro Power & Light's format (First Service takes it too, hence the name).
      const account = numbers.next(10);
      keep('billAccount', account);
      request.payoutDestinations!.billPay = { account, billerName: 'Metro Power & Light' };
    }
    let resubmission: PlannedSignup['resubmission'];
    if (scenario === 'failed_resubmitted') {
      resubmission = {
        ssn: numbers.next(9, ssnEnding('webhook', random)),
        dateOfBirth: dateOfBirth(random, dates),
      };
      keep('ssn', resubmission.ssn);
      keep('dateOfBirth', resubmission.dateOfBirth);
    }
    return {
      index,
      signupId,
      scenario,
      expected: expectedFinalState(scenario),
      request,
      ...(resubmission ? { resubmission } : {}),
      extras,
      email,
      personal,
    };
  });
  return { seed, signups };
}

/** What Ingo should hold once every onboarding has ended as planned. */
export interface ExpectedIngoTotals {
  users: number;
  routableAccounts: number;
  linkedBankAccounts: number;
  tokens: number;
}

export function expectedIngoTotals(signups: readonly PlannedSignup[]): ExpectedIngoTotals {
  const completed = signups.filter((s) => s.expected === 'completed');
  return {
    users: signups.length,
    routableAccounts: completed.length,
    linkedBankAccounts: completed.filter((s) => s.extras.bankAccount).length,
    tokens: completed.reduce(
      (sum, s) => sum + (s.extras.checkByMail ? 1 : 0) + (s.extras.billPay ? 1 : 0),
      0,
    ),
  };
}
