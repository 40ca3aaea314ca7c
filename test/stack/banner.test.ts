import { describe, expect, it } from 'vitest';
import { banner, stackFacts } from '../../dev/stack/banner';
import { planStack, readLocalDefaults } from '../../dev/stack/stack-plan';

// What `npm start` tells a person once the stack is up, and the same facts for tools.

describe('the stack banner', () => {
  it('says where every part is, how to authenticate, and the KYC timing in force', () => {
    const text = banner(planStack({}, { localDefaults: readLocalDefaults() }), 6_250);
    expect(text).toContain('The onboarding stack is ready (6.3 s). Ctrl-C stops it.');
    expect(text).toContain(
      'Onboarding API    http://127.0.0.1:3000/v1/onboardings  (Authorization: Bearer local-dev-token)',
    );
    expect(text).toContain('Webhook receiver  http://127.0.0.1:3000/webhooks/ingo');
    expect(text).toContain('Temporal Web UI   http://localhost:8233');
    expect(text).toContain('Ingo              the sandbox at http://127.0.0.1:4010');
    expect(text).toContain(
      'KYC timing        webhook awaited 20 s, then polled every 5 s (backing off to 30 s)',
    );
    expect(text).toContain('npm run demo');
  });

  it('never prints a configured token, and says which real parts it uses instead', () => {
    const plan = planStack({
      ONBOARDING_API_TOKEN: 'a-real-secret-token',
      TEMPORAL_ADDRESS: 'temporal.example.com:7233',
    });
    const text = banner(plan, 1_000);
    expect(text).not.toContain('a-real-secret-token');
    expect(text).toContain('Bearer $ONBOARDING_API_TOKEN');
    expect(text).toContain('(temporal: using Temporal at temporal.example.com:7233)');
    expect(text).not.toContain('Temporal Web UI');
    // Production-sized timing without the local profile.
    expect(text).toContain('webhook awaited 5 min, then polled every 1 min (backing off to 1 h)');
  });

  it('names only the parts this stack runs', () => {
    const facts = stackFacts(planStack({}, { requested: ['temporal'] }));
    expect(facts).toMatchObject({ temporalUi: 'http://localhost:8233' });
    expect(facts.api).toBeUndefined();
    expect(facts.sandbox).toBeUndefined();
    expect(facts.codec).toBeUndefined();
  });
});
