import type { FieldIssue } from '../validation';

/** The command line itself is wrong: unknown command or option, missing argument, no such file. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** The input the command line points at is refused before anything is sent; fields, no values. */
export class InputError extends Error {
  override readonly name = 'InputError';
  constructor(
    message: string,
    readonly fields: FieldIssue[] = [],
  ) {
    super(message);
  }
}
