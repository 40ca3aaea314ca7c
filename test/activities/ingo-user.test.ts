import { describe, expect, it } from 'vitest';
import { INGO_USER_CONFLICT, ORCHESTRATOR_NON_RETRYABLE } from '../../src/contract/failure-types';
import { ONBOARDING_TAG } from '../../src/contract/ids';
import type { IngoFailureDetails } from '../../src/activities/failure';
import { anyString, matching } from '../sandbox/helpers';
import {
  adminUser,
  createDirectly,
  failureOf,
  freshOnboarding,
  NOT_SENT_CODES,
  PATHS,
  useActivityBed,
  usersWithEmail,
  type ActivityBed,
} from './helpers';

/** ensureIngoUser against the sandbox: created once, found on a retry, never someone else's. */

const { createUser: CREATE, listUsers: LIST } = PATHS;

describe('ensureIngoUser', () => {
  let bed: ActivityBed;
  useActivityBed((started) => (bed = started));

  it('creates the user tagged with the onboarding id, without SSN or date of birth', async () => {
    const { onboardingId, applicant } = freshOnboarding('create');
    // The workflow holds the whole applicant; even if it handed all of it over, the SSN and date of
    // birth must only ever go to KYC.
    const wholeApplicant = { ...applicant, ssn: '123456789', dateOfBirth: '1990-04-12' };
    const before = await bed.t.stats();
    const sentBefore = bed.sent.length;

    const result = await bed.run('ensureIngoUser', {
      onboardingId,
      applicant: wholeApplicant,
    });

    expect(result).toEqual({
      ingoUserId: matching(/^user-/),
      kycStatus: 'not_started',
      created: true,
    });
    const user = await adminUser(bed.t, result.ingoUserId);
    expect(user).toMatchObject({
      email: applicant.email,
      kyc_status: 'not_started',
      ssn_last_four: null,
      meta_data: [{ name: ONBOARDING_TAG, value: onboardingId }],
    });
    expect((await bed.t.stats()).usersCreated).toBe(before.usersCreated + 1);

    // What went over the wire: one look-up by email, then one create carrying no SSN/birth date.
    const sent = bed.sent.slice(sentBefore);
    expect(sent.map((request) => request.path)).toEqual([LIST, CREATE]);
    expect(sent[0]?.body).toMatchObject({ email: applicant.email });
    const createBody = sent[1]?.body ?? {};
    expect(createBody).toMatchObject({ email: applicant.email, first_name: 'Jane' });
    expect(Object.keys(createBody)).not.toContain('ssn');
    expect(Object.keys(createBody)).not.toContain('date_of_birth');
    expect(JSON.stringify(createBody)).not.toContain('123456789');
  });

  it('a second call for the same onboarding finds the user and creates nothing', async () => {
    const input = freshOnboarding('again');
    const first = await bed.run('ensureIngoUser', input);
    const before = await bed.t.stats();

    const second = await bed.run('ensureIngoUser', input);

    expect(second).toEqual({
      ingoUserId: first.ingoUserId,
      kycStatus: 'not_started',
      created: false,
    });
    const after = await bed.t.stats();
    expect(after.usersCreated).toBe(before.usersCreated);
    expect(after.calls[CREATE]).toBe(before.calls[CREATE]);
    expect(await usersWithEmail(bed.t, input.applicant.email)).toHaveLength(1);
  });

  it('reports the kyc status of the user it finds', async () => {
    const input = freshOnboarding('found-status');
    const { ingoUserId } = await bed.run('ensureIngoUser', input);
    await bed.run('submitKyc', {
      ingoUserId,
      ssn: '123452222', // stays in review until an operator decides
      dateOfBirth: '1990-04-12',
    });

    const again = await bed.run('ensureIngoUser', input);

    expect(again).toEqual({ ingoUserId, kycStatus: 'in_review', created: false });
  });

  it('a create whose answer was lost fails retryably, and the retry finds the user', async () => {
    const input = freshOnboarding('lost');
    await bed.t.admin('PUT', '/faults', { lostResponseRate: 1, paths: [CREATE] });
    const before = await bed.t.stats();

    const failure = await failureOf(bed.run('ensureIngoUser', input));

    expect(failure.type).toBe('IngoNetworkError');
    expect(failure.nonRetryable).toBe(false);
    const [details] = failure.details as [IngoFailureDetails];
    expect(details.operation).toBe('user/create');
    // The socket was dropped after the request went out: not one of the "never sent" codes.
    expect(details.code).toEqual(anyString);
    expect(NOT_SENT_CODES).not.toContain(details.code);
    // The sandbox carried the create out.
    expect((await bed.t.stats()).usersCreated).toBe(before.usersCreated + 1);

    // The fault stays on: the retry must not get as far as a second create.
    const retry = await bed.run('ensureIngoUser', input);

    expect(retry).toEqual({
      ingoUserId: matching(/^user-/),
      kycStatus: 'not_started',
      created: false,
    });
    const users = await usersWithEmail(bed.t, input.applicant.email);
    expect(users).toEqual([
      expect.objectContaining({
        id: retry.ingoUserId,
        meta_data: [{ name: ONBOARDING_TAG, value: input.onboardingId }],
      }),
    ]);
    const after = await bed.t.stats();
    expect(after.usersCreated).toBe(before.usersCreated + 1);
    expect(after.calls[CREATE]).toBe((before.calls[CREATE] ?? 0) + 1);
  });

  it("another onboarding's user with the same email is a conflict naming it, not the email", async () => {
    const theirs = freshOnboarding('theirs');
    const { ingoUserId: theirUserId } = await bed.run('ensureIngoUser', theirs);
    const ours = { onboardingId: `${theirs.onboardingId}-other`, applicant: theirs.applicant };
    const before = await bed.t.stats();

    const failure = await failureOf(bed.run('ensureIngoUser', ours));

    expect(failure.type).toBe(INGO_USER_CONFLICT);
    expect(ORCHESTRATOR_NON_RETRYABLE).toContain(failure.type);
    expect(failure.message).toContain(theirUserId);
    expect(failure.message).toContain(`tagged for ${theirs.onboardingId}`);
    expect(failure.message).not.toContain(theirs.applicant.email);
    expect(failure.message).not.toContain('jane.doe');
    expect(failure.details).toEqual([{ userIds: [theirUserId] }]);
    expect((await bed.t.stats()).usersCreated).toBe(before.usersCreated);
    expect(await usersWithEmail(bed.t, theirs.applicant.email)).toHaveLength(1);
  });

  it('an untagged user with the same email is a conflict too', async () => {
    const input = freshOnboarding('untagged');
    const existingId = await createDirectly(bed.t, input.applicant.email);
    const before = await bed.t.stats();

    const failure = await failureOf(bed.run('ensureIngoUser', input));

    expect(failure.type).toBe(INGO_USER_CONFLICT);
    expect(failure.message).toContain(`${existingId} (untagged)`);
    expect(failure.message).not.toContain(input.applicant.email);
    expect(failure.details).toEqual([{ userIds: [existingId] }]);
    expect((await bed.t.stats()).usersCreated).toBe(before.usersCreated);
  });

  it('the email is matched whatever its case', async () => {
    const input = freshOnboarding('case');
    const existingId = await createDirectly(bed.t, input.applicant.email.toUpperCase());

    const failure = await failureOf(bed.run('ensureIngoUser', input));

    expect(failure.type).toBe(INGO_USER_CONFLICT);
    expect(failure.details).toEqual([{ userIds: [existingId] }]);
  });

  it('two users tagged for the same onboarding are a conflict listing both', async () => {
    const input = freshOnboarding('twice');
    const tag = [{ name: ONBOARDING_TAG, value: input.onboardingId }];
    const older = await createDirectly(bed.t, input.applicant.email, tag);
    const newer = await createDirectly(bed.t, input.applicant.email, tag);
    const before = await bed.t.stats();

    const failure = await failureOf(bed.run('ensureIngoUser', input));

    expect(failure.type).toBe(INGO_USER_CONFLICT);
    expect(failure.message).toContain('2 Ingo users are tagged for this onboarding');
    expect(failure.message).toContain(older);
    expect(failure.message).toContain(newer);
    expect(failure.message).not.toContain(input.applicant.email);
    const [details] = failure.details as [{ userIds: string[] }];
    expect([...details.userIds].sort()).toEqual([older, newer].sort());
    expect((await bed.t.stats()).usersCreated).toBe(before.usersCreated);
  });

  it("this onboarding's user is found even when an untagged user shares the email", async () => {
    const input = freshOnboarding('mixed');
    const { ingoUserId } = await bed.run('ensureIngoUser', input);
    await createDirectly(bed.t, input.applicant.email);

    const again = await bed.run('ensureIngoUser', input);

    expect(again).toEqual({ ingoUserId, kycStatus: 'not_started', created: false });
  });
});
