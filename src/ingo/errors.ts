/**
 * Typed, classified Ingo errors. Each class has a stable `name`, so a Temporal retry policy can list
 * the non-retryable ones by name (`NON_RETRYABLE_INGO_ERRORS`) instead of matching messages.
 * Messages carry the operation, the code and Ingo's own text, never request data: no SSN, date of
 * birth or account number can leak through an error.
 */

export interface IngoErrorInit {
  operation: string;
  code: string;
  message?: string;
  httpStatus?: number;
  ingoMessage?: string;
  /** IngoPay's numeric `status`, when the error came from the gateway. */
  ingoPayStatus?: number;
  /** Names of the offending fields, when Ingo (or our own validation) said which. */
  fields?: string[];
  cause?: unknown;
}

export abstract class IngoError extends Error {
  abstract readonly retryable: boolean;
  readonly operation: string;
  readonly code: string;
  readonly httpStatus?: number;
  readonly ingoMessage?: string;
  readonly ingoPayStatus?: number;
  readonly fields: string[];

  constructor(init: IngoErrorInit) {
    const fields = init.fields?.length ? ` (fields: ${init.fields.join(', ')})` : '';
    super(
      `Ingo ${init.operation} failed: ${init.code}` +
        (init.message ?? (init.ingoMessage ? `: ${init.ingoMessage}` : '')) +
        fields,
      { cause: init.cause },
    );
    this.operation = init.operation;
    this.code = init.code;
    this.httpStatus = init.httpStatus;
    this.ingoMessage = init.ingoMessage;
    this.ingoPayStatus = init.ingoPayStatus;
    this.fields = init.fields ?? [];
  }
}

/** Signature, clock skew, api_key or participant credentials rejected. */
export class IngoAuthError extends IngoError {
  override readonly name = 'IngoAuthError';
  readonly retryable = false;
}

/** The request failed validation, at Ingo or before it was sent. */
export class IngoValidationError extends IngoError {
  override readonly name = 'IngoValidationError';
  readonly retryable = false;
}

export class IngoNotFoundError extends IngoError {
  override readonly name = 'IngoNotFoundError';
  readonly retryable = false;
}

/** The call is not allowed in the entity's current state (e.g. issuing before KYC verified). */
export class IngoInvalidStateError extends IngoError {
  override readonly name = 'IngoInvalidStateError';
  readonly retryable = false;
}

export class IngoDuplicateError extends IngoError {
  override readonly name = 'IngoDuplicateError';
  readonly retryable = false;
}

/** IngoPay declined the destination: unavailable account, address declined, check digit. */
export class IngoDeclinedError extends IngoError {
  override readonly name = 'IngoDeclinedError';
  readonly retryable = false;
}

/** Ingo answered something this client cannot understand; retrying would get the same. */
export class IngoProtocolError extends IngoError {
  override readonly name = 'IngoProtocolError';
  readonly retryable = false;
}

export class IngoRateLimitError extends IngoError {
  override readonly name = 'IngoRateLimitError';
  readonly retryable = true;
  /** From `Retry-After`, when Ingo sent one. */
  readonly retryAfterMs?: number;
  constructor(init: IngoErrorInit & { retryAfterMs?: number }) {
    super(init);
    this.retryAfterMs = init.retryAfterMs;
  }
}

/** A transient fault on Ingo's side (5xx, IngoPay 5xx status). */
export class IngoServerError extends IngoError {
  override readonly name = 'IngoServerError';
  readonly retryable = true;
}

/** IngoPay 104: the same `participant_unique_id1` is still being processed. */
export class IngoInProgressError extends IngoError {
  override readonly name = 'IngoInProgressError';
  readonly retryable = true;
}

/**
 * No answer: timeout, connection refused or dropped. The call may have been carried out anyway
 * (`maybeCommitted`), so a retry of a non-idempotent call needs a look-up first.
 */
export class IngoNetworkError extends IngoError {
  override readonly name = 'IngoNetworkError';
  readonly retryable = true;
  readonly maybeCommitted: boolean;
  constructor(init: IngoErrorInit & { maybeCommitted: boolean }) {
    super(init);
    this.maybeCommitted = init.maybeCommitted;
  }
}

const ALL_ERROR_CLASSES = [
  IngoAuthError,
  IngoValidationError,
  IngoNotFoundError,
  IngoInvalidStateError,
  IngoDuplicateError,
  IngoDeclinedError,
  IngoProtocolError,
  IngoRateLimitError,
  IngoServerError,
  IngoInProgressError,
  IngoNetworkError,
];

function namesWhere(retryable: boolean): string[] {
  return ALL_ERROR_CLASSES.map(
    (Class) => new Class({ operation: '', code: '', maybeCommitted: false }),
  )
    .filter((error) => error.retryable === retryable)
    .map((error) => error.name);
}

/** For `RetryPolicy.nonRetryableErrorTypes`. */
export const NON_RETRYABLE_INGO_ERRORS: readonly string[] = namesWhere(false);
export const RETRYABLE_INGO_ERRORS: readonly string[] = namesWhere(true);

/** Banking error codes (INGO-API.md section 2) to their classes. */
export const BANKING_ERROR_CLASSES: Record<string, new (init: IngoErrorInit) => IngoError> = {
  UNAUTHORIZED: IngoAuthError,
  VALIDATION_ERROR: IngoValidationError,
  NOT_FOUND: IngoNotFoundError,
  INVALID_STATE: IngoInvalidStateError,
  DUPLICATE: IngoDuplicateError,
  RATE_LIMITED: IngoRateLimitError,
  INTERNAL_ERROR: IngoServerError,
};

export function isIngoError(error: unknown): error is IngoError {
  return error instanceof IngoError;
}
