import { randomUUID } from 'node:crypto';
import { signRequest } from '../../src/ingo/signing';
import { kycEvent } from '../../dev/sandbox/webhook-event';
import type { PacedRequest } from './paced-http';

/**
 * Ingo's `user.kyc.success` deliveries as the sandbox sends them (its own event builder: a fresh
 * event id each, Ingo's envelope), signed with the project's signer (INGO-API.md sections 1 and 3)
 * over the exact bytes sent, at the moment they are sent.
 */

export const WEBHOOK_PATH = '/webhooks/ingo';

export interface DeliverySigner {
  username: string;
  secret: string;
}

export function kycDelivery(userId: string, signer: DeliverySigner): PacedRequest {
  const body = Buffer.from(JSON.stringify(kycEvent(userId, 'verified', new Date())), 'utf8');
  const headers = signRequest({
    method: 'POST',
    path: WEBHOOK_PATH,
    body,
    username: signer.username,
    secret: signer.secret,
  });
  return { method: 'POST', path: WEBHOOK_PATH, headers: { ...headers }, body };
}

/** Deliveries for these users in turn (round robin). */
export function roundRobin(userIds: readonly string[], signer: DeliverySigner) {
  if (userIds.length === 0) throw new Error('no users to deliver for');
  return (seq: number) => kycDelivery(userIds[seq % userIds.length]!, signer);
}

/** Users no KYC review exists for (the receiver acknowledges them as `workflow_not_found`). */
export function unknownUsers(count: number): string[] {
  return Array.from({ length: count }, () => `user-${randomUUID()}`);
}
