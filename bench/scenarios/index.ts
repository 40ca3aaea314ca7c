import type { Scenario } from '../scenario';
import { baselineScenario } from './baseline';
import { costScenario } from './cost';
import { parkedScenario } from './parked';
import { scalingScenario } from './scaling';
import { throughputScenario } from './throughput';
import { webhooksScenario } from './webhooks';

/**
 * Every benchmark scenario, numbered as issue 7 numbers them, in the order `npm run bench` runs
 * them and the report lists them. Scenarios 1 and 2 share one run (the second reports the same
 * session).
 */
export const SCENARIOS: readonly { number: number; scenario: Scenario }[] = [
  { number: 1, scenario: throughputScenario },
  { number: 2, scenario: baselineScenario },
  { number: 3, scenario: webhooksScenario },
  { number: 4, scenario: costScenario },
  { number: 5, scenario: parkedScenario },
  { number: 6, scenario: scalingScenario },
];
