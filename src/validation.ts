import { ApplicationFailure } from '@temporalio/common';
import type { z } from 'zod';

export interface FieldIssue {
  /** Dotted path of the offending field, e.g. `beneficiary.beneficiary_zip`. */
  field: string;
  message: string;
}

/**
 * zod issues as field-level errors for HTTP answers and exceptions. Only the path and zod's message
 * are kept: never the received value, which may be personal data. Each unknown key is named as a
 * field of its own (zod reports them together, on the object that holds them).
 */
export function fieldIssues(error: z.ZodError): FieldIssue[] {
  return error.issues.flatMap((issue) => {
    const path = issue.path.map(String);
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => ({
        field: [...path, key].join('.'),
        message: 'is not a known field',
      }));
    }
    return [{ field: path.join('.') || '(body)', message: issue.message }];
  });
}

/** Issues as one line for messages: `applicant.ssn must be 9 digits; …`. */
export function describeIssues(issues: FieldIssue[]): string {
  return issues.map((issue) => `${issue.field} ${issue.message}`).join('; ');
}

/**
 * A validation failure for Temporal (a workflow's or an activity's), naming each bad field, never
 * its value: non-retryable, the issues in its details.
 */
export function validationFailure(
  type: string,
  what: string,
  error: z.ZodError,
): ApplicationFailure {
  const issues = fieldIssues(error);
  return ApplicationFailure.create({
    type,
    message: `invalid ${what}: ${describeIssues(issues)}`,
    details: [issues],
    nonRetryable: true,
  });
}
