import { randomUUID } from 'node:crypto';
import type { z } from 'zod';
import type { createUserRequest, listUsersRequest } from '../../src/ingo/schemas/banking';
import { RequestError } from './request-error';
import type { SandboxState, SandboxUser } from './state';

/**
 * Banking users: `user/create` and `user/get-all`. Creation has no idempotency key, as at Ingo: a
 * retried create makes a second user unless the sandbox runs with unique emails.
 */

const DEFAULT_PER_PAGE = 10;

export function createUser(
  state: SandboxState,
  body: z.output<typeof createUserRequest>,
  options: { uniqueEmails: boolean; now: Date },
): Record<string, unknown> {
  if (options.uniqueEmails && state.usersWithEmail(body.email).length > 0) {
    throw new RequestError('duplicate', 'email already registered', { field: 'email' });
  }
  const user: SandboxUser = {
    id: `user-${randomUUID()}`,
    firstName: body.first_name,
    middleName: body.middle_name ?? undefined,
    lastName: body.last_name,
    email: body.email,
    kycStatus: 'not_started',
    ssnLastFour: body.ssn?.slice(-4),
    metaData: body.meta_data ?? [],
    createdAt: options.now.toISOString(),
  };
  state.addUser(user);
  return { user_id: user.id, kyc_status: user.kycStatus };
}

function matchesSearch(user: SandboxUser, search: string): boolean {
  const needle = search.toLowerCase();
  const fullName = [user.firstName, user.middleName, user.lastName].filter(Boolean).join(' ');
  return [fullName, `${user.firstName} ${user.lastName}`, user.email].some((text) =>
    text.toLowerCase().includes(needle),
  );
}

export function listUsers(
  state: SandboxState,
  query: z.output<typeof listUsersRequest>,
): Record<string, unknown> {
  const page = query.page ?? 1;
  const perPage = query.per_page ?? DEFAULT_PER_PAGE;
  const { email, search } = query;
  const candidates = email === undefined ? [...state.users.values()] : state.usersWithEmail(email);
  const matching = candidates
    .filter((user) => search === undefined || matchesSearch(user, search))
    .reverse();
  return {
    items: matching.slice((page - 1) * perPage, page * perPage).map((user) => ({
      id: user.id,
      first_name: user.firstName,
      last_name: user.lastName,
      email: user.email,
      kyc_status: user.kycStatus,
      meta_data: user.metaData,
      created_at: user.createdAt,
    })),
    pagination: {
      page,
      per_page: perPage,
      total: matching.length,
      sort: 'created_at:desc',
      search: search ?? null,
    },
  };
}
