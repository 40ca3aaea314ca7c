import type { KycStatus } from '../../src/ingo/kyc-status';
import { RequestError } from './request-error';

/**
 * Everything the sandbox remembers, in memory. Only what a later call or the admin API needs is
 * kept: no SSN beyond its last four, no date of birth, no address.
 */

export interface SandboxUser {
  id: string;
  firstName: string;
  middleName: string | undefined;
  lastName: string;
  email: string;
  kycStatus: KycStatus;
  ssnLastFour: string | undefined;
  metaData: { name: string; value: string }[];
  createdAt: string;
}

export interface RoutableAccount {
  id: string;
  userId: string;
  accountNumber: string;
  routingNumber: string;
  createdAt: string;
}

export interface LinkedBankAccount {
  id: string;
  userId: string;
  accountNumberLast4: string;
  routingNumber: string;
  bankName: string;
  createdAt: string;
  /** The `data` first answered, returned again for the same idempotent_key. */
  response: Record<string, unknown>;
}

/** A tokenised payout destination: the token stands for the raw account from then on. */
export interface PayoutToken {
  account: string;
}

/** IngoPay idempotency by `participant_unique_id1`: still running, or finished with a success. */
export type IngoPayAttempt =
  { state: 'processing' } | { state: 'succeeded'; data: Record<string, unknown> };

export class SandboxState {
  /** In creation order; listing reverses it for newest first. */
  readonly users = new Map<string, SandboxUser>();
  /** Users by lowercase email, in creation order: get-all by email is the orchestrator's look-up. */
  private readonly usersByEmail = new Map<string, SandboxUser[]>();
  readonly routableAccounts = new Map<string, RoutableAccount>();
  private readonly accountNumbers = new Set<string>();
  /** By idempotent_key. */
  readonly linkedBankAccounts = new Map<string, LinkedBankAccount>();
  readonly payoutTokens = new Map<string, PayoutToken>();
  /** By `<path> <participant_unique_id1>`: ids are the program's, scoped to one call. */
  readonly ingoPayAttempts = new Map<string, IngoPayAttempt>();
  readonly calls = new Map<string, number>();
  usersCreated = 0;
  accountsIssued = 0;
  bankAccountsLinked = 0;
  tokensIssued = 0;

  /** The user, or NOT_FOUND. */
  user(userId: string): SandboxUser {
    const user = this.users.get(userId);
    if (user === undefined) {
      throw new RequestError('not_found', 'user not found', { user_id: userId });
    }
    return user;
  }

  addUser(user: SandboxUser): void {
    this.users.set(user.id, user);
    const email = user.email.toLowerCase();
    this.usersByEmail.set(email, [...(this.usersByEmail.get(email) ?? []), user]);
    this.usersCreated += 1;
  }

  /** Users with this email (any case), oldest first. */
  usersWithEmail(email: string): SandboxUser[] {
    return this.usersByEmail.get(email.toLowerCase()) ?? [];
  }

  addRoutableAccount(account: RoutableAccount): void {
    this.routableAccounts.set(account.id, account);
    this.accountNumbers.add(account.accountNumber);
    this.accountsIssued += 1;
  }

  hasAccountNumber(accountNumber: string): boolean {
    return this.accountNumbers.has(accountNumber);
  }

  countCall(path: string): void {
    this.calls.set(path, (this.calls.get(path) ?? 0) + 1);
  }

  reset(): void {
    this.users.clear();
    this.usersByEmail.clear();
    this.routableAccounts.clear();
    this.accountNumbers.clear();
    this.linkedBankAccounts.clear();
    this.payoutTokens.clear();
    this.ingoPayAttempts.clear();
    this.calls.clear();
    this.usersCreated = 0;
    this.accountsIssued = 0;
    this.bankAccountsLinked = 0;
    this.tokensIssued = 0;
  }
}
