import type { z } from 'zod';
import { fieldIssues } from '../validation';
import { IngoProtocolError, IngoValidationError } from './errors';

/** Checks a request before anything is sent: a bad request never reaches Ingo. */
export function validateRequest<S extends z.ZodType>(
  operation: string,
  schema: S,
  input: unknown,
): z.output<S> {
  const parsed = schema.safeParse(input);
  if (parsed.success) return parsed.data;
  const issues = fieldIssues(parsed.error);
  throw new IngoValidationError({
    operation,
    code: 'REQUEST_INVALID',
    message: `: ${issues.map((issue) => `${issue.field} ${issue.message}`).join('; ')}`,
    fields: issues.map((issue) => issue.field),
  });
}

/** Checks what Ingo answered; a shape we do not know is a protocol error naming the field. */
export function parseResponse<S extends z.ZodType>(
  operation: string,
  schema: S,
  data: unknown,
  httpStatus: number,
): z.output<S> {
  const parsed = schema.safeParse(data);
  if (parsed.success) return parsed.data;
  const issues = fieldIssues(parsed.error);
  throw new IngoProtocolError({
    operation,
    code: 'RESPONSE_INVALID',
    httpStatus,
    message: `: unexpected response at ${issues.map((issue) => issue.field).join(', ')}`,
    fields: issues.map((issue) => issue.field),
  });
}

/** Field names from an Ingo error's `fields` list (`[{field, message}]` or `[name]`), if it has one. */
export function reportedFields(container: unknown): string[] | undefined {
  const fields = (container as { fields?: unknown } | undefined)?.fields;
  if (!Array.isArray(fields)) return undefined;
  return fields
    .map((item) => (typeof item === 'string' ? item : (item as { field?: unknown })?.field))
    .filter((field): field is string => typeof field === 'string');
}
