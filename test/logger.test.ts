import { describe, expect, it } from 'vitest';
import { captureLogs } from './fixtures/captured-logs';

describe('logger redaction', () => {
  it('removes personal data and secrets wherever they sit in a logged object', () => {
    const { logger, text } = captureLogs();
    logger.info(
      {
        ssn: '123456789',
        applicant: { date_of_birth: '1985-06-15', dateOfBirth: '1985-06-15' },
        request: { body: { beneficiary: { beneficiary_account: '3000000038' } } },
        routable: { accountNumber: '8001234567', routingNumber: '011000015' },
        config: { ingo: { apiKey: 'k-123', hmacSecret: 's-456' } },
        req: { headers: { authorization: 'hmac username="u", signature="sig"', api_key: 'k' } },
      },
      'onboarding step',
    );
    const line = text();
    for (const secret of [
      '123456789',
      '1985-06-15',
      '3000000038',
      '8001234567',
      'k-123',
      's-456',
      'signature=',
    ]) {
      expect(line).not.toContain(secret);
    }
    expect(line).toContain('011000015');
    expect(line).toContain('[redacted]');
  });
});
