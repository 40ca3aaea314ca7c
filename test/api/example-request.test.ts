// The example the README starts an onboarding with stays a valid request as the API evolves.

import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { startOnboardingBody } from '../../src/api/schemas';

describe('docs/examples/onboarding-request.json', () => {
  it('is a valid start request', () => {
    const file = path.join(__dirname, '../../docs/examples/onboarding-request.json');
    const parsed = startOnboardingBody.safeParse(JSON.parse(readFileSync(file, 'utf8')));
    expect(parsed.error?.issues).toBeUndefined();
    expect(parsed.data?.signupId).toBe('signup-0001');
  });
});
