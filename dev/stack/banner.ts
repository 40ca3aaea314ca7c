import { localUrl } from '../../src/config';
import { kycWaitText } from '../timing-text';
import { timingSchema } from '../../src/contract/onboarding-input';
import type { PartName, StackPlan } from './stack-plan';

/**
 * What `npm start` says once everything is up: where each part is, what to try first. The same
 * facts are logged as one structured line (`stackFacts`) for tools; the banner is for people.
 */

const LOCAL_API_TOKEN = 'local-dev-token';

/** Where each running part is (a part this stack does not run has none). */
export function stackFacts(plan: StackPlan) {
  const { config, temporal } = plan;
  const running = new Set(plan.parts.map((part) => part.name));
  const api = localUrl(config.api.host, config.api.port);
  const where = (part: PartName, url: string) => (running.has(part) ? url : undefined);
  return {
    api: where('api', `${api}/v1/onboardings`),
    webhooks: where('api', `${api}/webhooks/ingo`),
    temporal: `${temporal.address} (namespace ${temporal.namespace})`,
    temporalUi: temporal.uiUrl,
    sandbox: where('sandbox', config.sandbox.url),
    codec: where('codec', `${localUrl(config.codec.host, config.codec.port)}/codec`),
    ingo: config.ingo.bankingBaseUrl,
    dataDir: config.encryption.dataDir,
  };
}

export function banner(plan: StackPlan, elapsedMs: number): string {
  const facts = stackFacts(plan);
  const { config } = plan;
  // What an onboarding started now gets: the configured timing over the workflow's defaults.
  const timing = timingSchema.parse(config.timing);
  const token =
    config.api.token === LOCAL_API_TOKEN
      ? `Bearer ${LOCAL_API_TOKEN}`
      : 'Bearer $ONBOARDING_API_TOKEN';
  const rows: [string, string | undefined][] = [
    ['Onboarding API', facts.api && `${facts.api}  (Authorization: ${token})`],
    ['Webhook receiver', facts.webhooks],
    ['Temporal Web UI', facts.temporalUi],
    ['Temporal', facts.temporal],
    ['Ingo', facts.sandbox ? `the sandbox at ${facts.sandbox} (admin API: /_sandbox)` : facts.ingo],
    ['Codec server', facts.codec],
    ['Local state', facts.dataDir],
    ['KYC timing', kycWaitText(timing)],
  ];
  const skipped = plan.skipped
    .filter((entry) => entry.reason !== 'not asked for')
    .map((entry) => `  (${entry.name}: ${entry.reason})`);
  return [
    '',
    `The onboarding stack is ready (${(elapsedMs / 1000).toFixed(1)} s). Ctrl-C stops it.`,
    ...rows.flatMap(([name, value]) => (value ? [`  ${name.padEnd(18)}${value}`] : [])),
    ...skipped,
    '',
    'Try it:  npm run demo    or    npm run cli -- start docs/examples/onboarding-request.json',
    '',
  ].join('\n');
}
