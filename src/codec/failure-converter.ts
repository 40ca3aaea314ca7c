import { DefaultFailureConverter } from '@temporalio/common';

/**
 * Failure messages and stack traces moved into a payload (`encodedAttributes`), so the payload
 * codec encrypts them like any other data: a message may quote what a workflow was given.
 *
 * Loaded by path (`failureConverterPath`): into the workflow bundle by webpack, so it imports
 * nothing but the SDK; and by the client and the worker with Node's own `require`, which from
 * source (vitest, with no TypeScript loader) reads this file as JavaScript, so it must hold no
 * type syntax.
 */
export const failureConverter = new DefaultFailureConverter({ encodeCommonAttributes: true });
