import { OnboardingApiError, OnboardingApiUnreachableError } from '../api/client-errors';
import { InputError, UsageError } from './cli-errors';

/** What the CLI's exit status means, for scripts; `help` lists the same. */
export const EXIT = {
  ok: 0,
  failure: 1,
  usage: 2,
  notFound: 3,
  conflict: 4,
  rejected: 5,
  unauthorized: 6,
  unavailable: 7,
} as const;
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

export const EXIT_CODE_HELP = `Exit codes:
  0  done
  1  anything else (an error of the API or of this tool)
  2  usage: unknown command or option, missing argument, unreadable file
  3  not found: no onboarding for that signup
  4  conflict: not allowed in the onboarding's current state, or it has already ended
  5  rejected input: the request names bad fields (nothing was changed)
  6  unauthorized: wrong or missing token, or throttled after too many wrong ones
  7  unavailable: the API, Temporal or the worker did not answer; try again later`;

function forStatus(status: number): ExitCode {
  if (status === 404) return EXIT.notFound;
  if (status === 409) return EXIT.conflict;
  // Only requests without the right token are throttled (429).
  if (status === 401 || status === 403 || status === 429) return EXIT.unauthorized;
  if (status === 503 || status === 504) return EXIT.unavailable;
  if (status >= 400 && status < 500) return EXIT.rejected;
  return EXIT.failure;
}

export function exitCodeFor(error: unknown): ExitCode {
  if (error instanceof UsageError) return EXIT.usage;
  if (error instanceof InputError) return EXIT.rejected;
  if (error instanceof OnboardingApiError) return forStatus(error.status);
  if (error instanceof OnboardingApiUnreachableError) return EXIT.unavailable;
  return EXIT.failure;
}
