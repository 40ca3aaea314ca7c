import { describe, expect, it } from 'vitest';
import {
  IngoAuthError,
  IngoNetworkError,
  IngoRateLimitError,
  NON_RETRYABLE_INGO_ERRORS,
  RETRYABLE_INGO_ERRORS,
} from '../../src/ingo/errors';

describe('Ingo error classes', () => {
  it('split into retryable and non-retryable names for Temporal retry policies', () => {
    expect([...NON_RETRYABLE_INGO_ERRORS].sort()).toEqual([
      'IngoAuthError',
      'IngoDeclinedError',
      'IngoDuplicateError',
      'IngoInvalidStateError',
      'IngoNotFoundError',
      'IngoProtocolError',
      'IngoValidationError',
    ]);
    expect([...RETRYABLE_INGO_ERRORS].sort()).toEqual([
      'IngoInProgressError',
      'IngoNetworkError',
      'IngoRateLimitError',
      'IngoServerError',
    ]);
  });

  it('carry operation, code, status and Ingo message; the name survives minification', () => {
    const error = new IngoAuthError({
      operation: 'user/create',
      code: 'UNAUTHORIZED',
      httpStatus: 401,
      ingoMessage: 'signature mismatch',
    });
    expect(error.name).toBe('IngoAuthError');
    expect(error.message).toBe('Ingo user/create failed: UNAUTHORIZED: signature mismatch');
    expect(error).toMatchObject({ code: 'UNAUTHORIZED', httpStatus: 401, retryable: false });
  });

  it('keep the extra facts of rate limits and lost answers', () => {
    expect(
      new IngoRateLimitError({ operation: 'x', code: 'RATE_LIMITED', retryAfterMs: 2000 }),
    ).toMatchObject({ retryable: true, retryAfterMs: 2000 });
    expect(
      new IngoNetworkError({ operation: 'x', code: 'TIMEOUT', maybeCommitted: true }),
    ).toMatchObject({ retryable: true, maybeCommitted: true });
  });
});
