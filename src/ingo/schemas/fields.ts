import { z } from 'zod';
import { KYC_STATUSES, type KycStatus } from '../kyc-status';

/** Field formats shared by both Ingo APIs (INGO-API.md sections 2 and 4, seeds 002-004). */

/** USPS two-letter codes, territories included (the pattern published in seed 004). */
export const USPS_STATE =
  /^(?:A[LKSZRAEP]|C[AOT]|D[EC]|F[LM]|G[AU]|HI|I[ADLN]|K[SY]|LA|M[ADEHINOPST]|N[CDEHJMVY]|O[HKR]|P[ARW]|RI|S[CD]|T[NX]|UT|V[AIT]|W[AIVY])$/;

/** No control or bidi-override characters: harmless in JSON, but never what a person typed. */
const PRINTABLE = /^[^\p{Cc}\u202A-\u202E\u2066-\u2069]*$/u;
const PRINTABLE_MESSAGE = 'must not contain control characters';

export const text = (max = 255) =>
  z.string().trim().min(1).max(max).regex(PRINTABLE, PRINTABLE_MESSAGE);
export const optionalText = (max = 255) =>
  z.string().max(max).regex(PRINTABLE, PRINTABLE_MESSAGE).nullish();

export const usState = z.string().regex(USPS_STATE, 'must be a two-letter USPS state code');
export const regionCode = z.string().regex(/^[A-Z]{2}$/, 'must be a two-letter region code');
export const countryCode = z.string().regex(/^[A-Z]{2}$/, 'must be an ISO 3166-1 alpha-2 code');
export const zip = z.string().regex(/^[0-9]{5}(?:-[0-9]{4})?$/, 'must be a 5-digit ZIP or ZIP+4');
export const phone = z.string().regex(/^[0-9]{10}$/, 'must be 10 digits');
export const ssn = z.string().regex(/^[0-9]{9}$/, 'must be 9 digits');
export const routingNumber = z.string().regex(/^[0-9]{9}$/, 'must be 9 digits');
export const bankAccountNumber = z.string().regex(/^[0-9]{5,20}$/, 'must be 5 to 20 digits');

/** A real calendar date, `YYYY-MM-DD`, not in the future. */
export const dateOfBirth = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, { message: 'must be a date as YYYY-MM-DD', abort: true })
  .refine((value) => {
    const date = new Date(`${value}T00:00:00Z`);
    return (
      !Number.isNaN(date.getTime()) &&
      date.toISOString().startsWith(value) &&
      date.getTime() <= Date.now() &&
      date.getUTCFullYear() >= 1900
    );
  }, 'must be a real past date from 1900 on');

/** Ingo's KYC status, with the webhook spelling `rejected` read as `failed`. */
export const kycStatus = z
  .enum([...KYC_STATUSES, 'rejected'])
  .transform((value): KycStatus => (value === 'rejected' ? 'failed' : value));

/** Ingo ids are strings (`user-…`), but documented examples also carry numbers (`9414`). */
export const entityId = z.union([z.string().min(1), z.number().int()]).transform(String);
