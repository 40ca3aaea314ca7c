import { ApplicationFailure } from '@temporalio/common';
import type { IngoUser } from '../ingo/schemas/banking';
import type { KycStatus } from '../ingo/kyc-status';
import { INGO_USER_CONFLICT } from '../contract/failure-types';
import { ONBOARDING_TAG } from '../contract/ids';
import type { Applicant } from '../contract/onboarding-input';
import { activityScope, type ActivityDependencies } from './dependencies';
import { ingoCall } from './failure';

/** The applicant's profile: what user/create needs. SSN and date of birth go only to KYC. */
export type ApplicantProfile = Omit<Applicant, 'ssn' | 'dateOfBirth'>;

export interface EnsureIngoUserInput {
  onboardingId: string;
  applicant: ApplicantProfile;
}

export interface EnsuredIngoUser {
  ingoUserId: string;
  kycStatus: KycStatus;
  /** False when an earlier attempt had created it (its answer lost) and the lookup found it. */
  created: boolean;
}

function onboardingOf(user: IngoUser): string | undefined {
  return user.metaData.find((item) => item.name === ONBOARDING_TAG)?.value;
}

function describe(user: IngoUser): string {
  const tag = onboardingOf(user);
  return tag ? `${user.userId} (tagged for ${tag})` : `${user.userId} (untagged)`;
}

export function ingoUserActivities({ banking, logger }: ActivityDependencies) {
  return {
    /**
     * Creates the onboarding's Ingo user exactly once. `user/create` has no idempotency key, so
     * every attempt first looks for a user with this email tagged for this onboarding: a create
     * whose answer was lost is found, not repeated. Anyone else's user is a conflict for an
     * operator, never reused.
     */
    async ensureIngoUser({
      onboardingId,
      applicant,
    }: EnsureIngoUserInput): Promise<EnsuredIngoUser> {
      const { signal, log } = activityScope(logger);
      const email = applicant.email.toLowerCase();
      // Only exact matches count: the filter may match more loosely than the address itself.
      const existing = (
        await ingoCall(() => banking.listAllUsers({ email: applicant.email }, signal))
      ).filter((user) => user.email?.toLowerCase() === email);
      const ours = existing.filter((user) => onboardingOf(user) === onboardingId);
      if (ours.length === 1) {
        const [user] = ours as [IngoUser];
        log.info({ ingoUserId: user.userId }, 'ingo user already exists for this onboarding');
        return { ingoUserId: user.userId, kycStatus: user.kycStatus, created: false };
      }
      if (ours.length > 1 || existing.length > 0) {
        const users = (ours.length > 1 ? ours : existing).map(describe).join(', ');
        throw ApplicationFailure.create({
          type: INGO_USER_CONFLICT,
          message:
            ours.length > 1
              ? `${ours.length} Ingo users are tagged for this onboarding: ${users}`
              : `Ingo already has a user with this email that is not this onboarding's: ${users}`,
          details: [{ userIds: (ours.length > 1 ? ours : existing).map((user) => user.userId) }],
        });
      }

      const { address } = applicant;
      const user = await ingoCall(() =>
        banking.createUser(
          {
            first_name: applicant.firstName,
            middle_name: applicant.middleName,
            last_name: applicant.lastName,
            email: applicant.email,
            phone_number: applicant.phoneNumber,
            address_one: address.line1,
            address_two: address.line2,
            city: address.city,
            state: address.state,
            postal_code: address.postalCode,
            country: address.country,
            meta_data: [{ name: ONBOARDING_TAG, value: onboardingId }],
          },
          signal,
        ),
      );
      log.info({ ingoUserId: user.userId }, 'ingo user created');
      return { ingoUserId: user.userId, kycStatus: user.kycStatus, created: true };
    },
  };
}
