import { z } from 'zod';
import {
  bankAccountNumber,
  countryCode,
  dateOfBirth,
  entityId,
  kycStatus,
  optionalText,
  phone,
  regionCode,
  routingNumber,
  ssn,
  text,
  zip,
} from './fields';

/**
 * Banking Platform requests (wire shape, snake_case, as Ingo documents them) and responses
 * (every documented variant, normalised to one camelCase type each). The sandbox validates with
 * the same request schemas the client sends with.
 */

// ---- envelopes -------------------------------------------------------------------------------

export const bankingSuccessEnvelope = z.object({
  status: z.literal('success'),
  message: z.string().optional(),
  data: z.unknown(),
});

/** Ingo does not publish its error format; read `error.code`, then `code`, then `error_code`. */
export const bankingErrorEnvelope = z
  .object({
    status: z.string().optional(),
    message: z.string().optional(),
    error: z
      .object({ code: z.string().optional(), details: z.unknown().optional() })
      .partial()
      .optional(),
    code: z.string().optional(),
    error_code: z.string().optional(),
  })
  .transform((body) => ({
    code: body.error?.code ?? body.code ?? body.error_code,
    message: body.message,
    details: body.error?.details,
  }));

export interface BankingErrorBody {
  status: 'error';
  message: string;
  error: { code: string; details: Record<string, unknown> };
}

// ---- users -------------------------------------------------------------------------------------

export const metaDataItem = z.object({ name: text(100), value: z.string().max(1000) });

export const createUserRequest = z.object({
  first_name: text(100),
  middle_name: optionalText(100),
  last_name: text(100),
  email: z.email().max(254),
  phone_number: phone,
  address_one: text(),
  address_two: optionalText(),
  city: text(100),
  state: regionCode,
  postal_code: zip,
  country: countryCode,
  date_of_birth: dateOfBirth.optional(),
  ssn: ssn.optional(),
  terms_accepted: z.boolean().optional(),
  meta_data: z.array(metaDataItem).max(50).optional(),
});
export type CreateUserRequest = z.input<typeof createUserRequest>;

const userItem = z
  .object({
    id: entityId.optional(),
    user_id: entityId.optional(),
    first_name: z.string().nullish(),
    last_name: z.string().nullish(),
    email: z.string().nullish(),
    kyc_status: kycStatus.optional(),
    meta_data: z.array(z.object({ name: z.string(), value: z.string().nullish() })).nullish(),
    created_at: z.string().nullish(),
  })
  .refine((user) => user.id !== undefined || user.user_id !== undefined, {
    message: 'a user needs an id',
    path: ['id'],
  })
  .transform((user) => ({
    userId: (user.user_id ?? user.id)!,
    kycStatus: user.kyc_status ?? 'not_started',
    email: user.email ?? undefined,
    firstName: user.first_name ?? undefined,
    lastName: user.last_name ?? undefined,
    metaData: (user.meta_data ?? []).map((item) => ({ name: item.name, value: item.value ?? '' })),
    createdAt: user.created_at ?? undefined,
  }));
export type IngoUser = z.output<typeof userItem>;

const pagination = z
  .object({
    page: z.number().int(),
    per_page: z.number().int(),
    total: z.number().int(),
    sort: z.string().nullish(),
    search: z.string().nullish(),
  })
  .transform((p) => ({ page: p.page, perPage: p.per_page, total: p.total }));

/** Seed shape `{user_id, kyc_status}`; docs shape `{items:[{id, kyc_status, …}], pagination}`. */
export const createUserResponse = z
  .union([z.object({ items: z.array(userItem).min(1) }), userItem])
  .transform((data) => ('items' in data ? data.items[0]! : data));

export const listUsersRequest = z.object({
  email: z.string().max(254).optional(),
  search: z.string().max(255).optional(),
  page: z.number().int().min(1).optional(),
  per_page: z.number().int().min(1).max(500).optional(),
});
export type ListUsersRequest = z.input<typeof listUsersRequest>;

export const listUsersResponse = z
  .object({ items: z.array(userItem), pagination: pagination.optional() })
  .transform((data) => ({
    items: data.items,
    pagination: data.pagination ?? {
      page: 1,
      perPage: data.items.length,
      total: data.items.length,
    },
  }));
export type UserPage = z.output<typeof listUsersResponse>;

// ---- KYC -----------------------------------------------------------------------------------------

export const sendVerificationRequest = z.object({
  user_id: text(),
  ssn,
  date_of_birth: dateOfBirth,
});
export type SendVerificationRequest = z.input<typeof sendVerificationRequest>;

/** Seed shape `{user_id, kyc_status}`; the docs also allow an empty object. */
export const sendVerificationResponse = z
  .object({ user_id: entityId.optional(), kyc_status: kycStatus.optional() })
  .transform((data) => ({ userId: data.user_id, kycStatus: data.kyc_status }));

export const checkVerificationRequest = z.object({ user_id: text() });
export type CheckVerificationRequest = z.input<typeof checkVerificationRequest>;

export const checkVerificationResponse = z
  .object({ user_id: entityId, kyc_status: kycStatus })
  .transform((data) => ({ userId: data.user_id, kycStatus: data.kyc_status }));
export type VerificationStatus = z.output<typeof checkVerificationResponse>;

// ---- routable accounts ----------------------------------------------------------------------------

export const issueRoutableAccountRequest = z.object({
  user_id: text(),
  business_id: optionalText(),
});
export type IssueRoutableAccountRequest = z.input<typeof issueRoutableAccountRequest>;

const routableAccount = z
  .object({
    routable_bank_account_id: entityId.optional(),
    id: entityId.optional(),
    account_number: z.string().min(1),
    routing_number: z.string().min(1),
    user_id: entityId.optional(),
  })
  .refine((account) => account.routable_bank_account_id ?? account.id, {
    message: 'a routable account needs an id',
    path: ['routable_bank_account_id'],
  })
  .transform((account) => ({
    routableBankAccountId: (account.routable_bank_account_id ?? account.id)!,
    accountNumber: account.account_number,
    routingNumber: account.routing_number,
    userId: account.user_id,
  }));

/** Seed shape at the top of `data`; docs shape `items[0]` with `id`. */
export const issueRoutableAccountResponse = z
  .union([z.object({ items: z.array(routableAccount).min(1) }), routableAccount])
  .transform((data) => ('items' in data ? data.items[0]! : data));
export type RoutableAccount = z.output<typeof issueRoutableAccountResponse>;

// ---- linked external bank accounts (seed 002) -------------------------------------------------------

export const saveBankAccountRequest = z.object({
  user_id: text(),
  idempotent_key: text(),
  first_name: text(100),
  last_name: text(100),
  account_number: bankAccountNumber,
  routing_number: routingNumber,
  address_one: optionalText(),
  city: optionalText(100),
  state: regionCode.optional(),
  postal_code: zip.optional(),
  country: countryCode.optional(),
});
export type SaveBankAccountRequest = z.input<typeof saveBankAccountRequest>;

export const saveBankAccountResponse = z
  .object({
    items: z
      .array(
        z.object({
          id: entityId,
          account_number_last_4: z.string(),
          routing_number: z.string(),
          bank_name: z.string().nullish(),
          source_platform: z.string().nullish(),
          created_at: z.string().nullish(),
        }),
      )
      .min(1),
  })
  .transform(({ items: [account] }) => ({
    bankAccountId: account!.id,
    accountNumberLast4: account!.account_number_last_4,
    routingNumber: account!.routing_number,
    bankName: account!.bank_name ?? undefined,
    sourcePlatform: account!.source_platform ?? undefined,
    createdAt: account!.created_at ?? undefined,
  }));
export type LinkedBankAccount = z.output<typeof saveBankAccountResponse>;
