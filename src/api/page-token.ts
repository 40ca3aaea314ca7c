import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { ApiStatus } from './schemas';

const MAC_BYTES = 32;

/**
 * The list's `nextPageToken`: Temporal's page token, bound to the status filter it was made for
 * and signed, so a token that was altered or belongs to another listing is refused at once.
 * (Temporal answers a malformed token with an error its client retries until the deadline.)
 * The key derives from the API token, so every replica behind a load balancer accepts the tokens
 * of the others; a token rotation merely ends the paging in progress.
 */
export class PageTokens {
  private readonly key: Buffer;

  constructor(secret: string) {
    this.key = createHash('sha256').update(`onboarding-api page tokens\n${secret}`).digest();
  }

  encode(status: ApiStatus | undefined, token: Uint8Array | null | undefined): string | undefined {
    if (!token || token.length === 0) return undefined;
    const payload = Buffer.concat([this.scope(status), token]);
    return Buffer.concat([this.mac(payload), payload]).toString('base64url');
  }

  /** Temporal's token, or undefined when this one was not made by encode() for this status. */
  decode(status: ApiStatus | undefined, pageToken: string): Buffer | undefined {
    const bytes = Buffer.from(pageToken, 'base64url');
    const mac = bytes.subarray(0, MAC_BYTES);
    const payload = bytes.subarray(MAC_BYTES);
    const scope = this.scope(status);
    const valid =
      mac.length === MAC_BYTES &&
      timingSafeEqual(mac, this.mac(payload)) &&
      payload.subarray(0, scope.length).equals(scope) &&
      payload.length > scope.length;
    return valid ? payload.subarray(scope.length) : undefined;
  }

  private scope(status: ApiStatus | undefined): Buffer {
    return Buffer.from(`${status ?? '*'}\n`);
  }

  private mac(payload: Buffer): Buffer {
    return createHmac('sha256', this.key).update(payload).digest();
  }
}
