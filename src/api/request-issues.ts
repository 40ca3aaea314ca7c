import type { z } from 'zod';
import { fieldIssues, type FieldIssue } from '../validation';

/**
 * A request's validation issues as src/validation.ts reports them, except that each unknown key
 * is named as a field of its own (zod reports them together, on the object that holds them).
 */
export function requestIssues(error: z.ZodError): FieldIssue[] {
  const issues = fieldIssues(error);
  return error.issues.flatMap((issue, index) =>
    issue.code === 'unrecognized_keys'
      ? issue.keys.map((key) => ({
          field: [...issue.path.map(String), key].join('.'),
          message: 'is not a known field',
        }))
      : [issues[index]!],
  );
}
