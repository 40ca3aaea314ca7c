import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import * as prettier from 'prettier';
import { stopAll, stopOnSignals } from './lib/cleanup';
import { formatNumber, summaryLine } from './lib/format';
import {
  contextLine,
  describeSdk,
  formatDate,
  PROJECT_ROOT,
  runContext,
  type RunContext,
} from './lib/machine';
import { buildReport, NOTES_ID, type ReportSection } from './lib/report';
import type { Scenario, ScenarioResult } from './scenario';
import { SCENARIOS } from './scenarios';

/**
 * `npm run bench [-- --quick] [-- <scenario id> ...]`: builds (the npm script does), then runs the
 * scenarios one after another, each against a stack of its own, prints each one's summary line as
 * its last line, and writes docs/BENCHMARKS.md. `--quick` runs the reduced scenarios 1-3, writes
 * its report to .bench/quick.md (the committed report stays), and ends with
 * `throughput_ratio=<x> webhook_p99_ms=<y> events_per_onboarding=<z>`.
 */

const USAGE = `usage: npm run bench [-- --quick] [-- <scenario> ...]
scenarios: ${SCENARIOS.map(({ number, scenario }) => `${scenario.id} (${number})`).join(', ')}
  --quick   the reduced scenarios 1-3 (under two minutes), report in .bench/quick.md`;

export interface BenchArgs {
  quick: boolean;
  ids: string[];
  help: boolean;
}

export function parseArgs(argv: readonly string[]): BenchArgs {
  const args: BenchArgs = { quick: false, ids: [], help: false };
  const known = new Set(SCENARIOS.map(({ scenario }) => scenario.id));
  for (const arg of argv) {
    if (arg === '--quick') args.quick = true;
    else if (arg === '--help' || arg === '-h') args.help = true;
    else if (known.has(arg)) args.ids.push(arg);
    else throw new Error(`unknown argument ${arg}\n${USAGE}`);
  }
  return args;
}

/** The scenarios a run runs: those named, else every one (every quick one with --quick). */
export function selectScenarios(args: BenchArgs): { number: number; scenario: Scenario }[] {
  return SCENARIOS.filter(({ scenario }) =>
    args.ids.length > 0 ? args.ids.includes(scenario.id) : !args.quick || scenario.inQuick,
  );
}

/** The last line of `--quick`, with `n/a` for a figure a failed scenario did not give. */
export function quickSummaryLine(figures: Record<string, number>): string {
  return summaryLine([
    ['throughput_ratio', figures.throughput_ratio ?? Number.NaN],
    ['webhook_p99_ms', figures.webhook_p99_ms ?? Number.NaN],
    ['events_per_onboarding', figures.events_per_onboarding ?? Number.NaN],
  ]);
}

function intro(context: RunContext, quick: boolean): string {
  return [
    '# Benchmarks',
    '',
    'Written by `npm run bench` (`bench/`): it builds, then runs each scenario against a fresh local ' +
      'stack from `dist/` (the production code and prebuilt workflow bundle: Temporal dev server with ' +
      'its SQLite file, Ingo sandbox, codec server, API and webhook receiver, worker, each its own ' +
      'process on this one machine), with the sandbox deciding KYC at once (`INGO_SANDBOX_KYC_DELAY_MS=0`) ' +
      'and no faults, production timing (`DEFAULT_TIMING`), `LOG_LEVEL=info` and the default worker ' +
      'tuning unless a section says otherwise. `npm run bench -- <scenario>` re-measures one section; ' +
      '`npm run bench -- --quick` runs a reduced 1-3 in under two minutes and writes `.bench/quick.md`. ' +
      'Every timing is the median of several runs with (min–max). The load generator, the stack and the ' +
      'Temporal server share the machine: figures are for the whole system on it.',
    '',
    `Latest run${quick ? ' (quick)' : ''}: ${formatDate(context.date)}, \`${context.command}\`, ` +
      `${context.cores} cores (${context.cpuModel}), ${context.memoryGiB.toFixed(1)} GiB, ${context.os}, ` +
      `Node ${context.node}, Temporal CLI ${context.temporalCli}, ${describeSdk(context.sdk)}; ` +
      `load average ${formatNumber(context.loadAverageAtStart, 2)} when it started.`,
  ].join('\n');
}

const DEFAULT_NOTES: ReportSection = {
  id: NOTES_ID,
  heading: 'Notes',
  body: '(Hand-written: what the figures led to. `npm run bench` keeps this section as it is.)',
};

async function main(): Promise<number> {
  const argv = process.argv.slice(2);
  const args = parseArgs(argv);
  if (args.help) {
    console.log(USAGE);
    return 0;
  }
  stopOnSignals((message) => console.error(message));
  const context = runContext(argv);
  const workDir = path.join(PROJECT_ROOT, '.bench');
  const reportDir = args.quick ? workDir : path.join(PROJECT_ROOT, 'docs');
  const reportFile = path.join(reportDir, args.quick ? 'quick.md' : 'BENCHMARKS.md');
  fs.mkdirSync(workDir, { recursive: true });
  const selected = selectScenarios(args);
  const began = performance.now();
  console.log(
    `bench: ${selected.map(({ scenario }) => scenario.id).join(', ')}${args.quick ? ' (quick)' : ''}`,
  );
  console.log(
    `bench: ${contextLine(context)}; load average ${os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
  );

  const fresh = new Map<string, ReportSection>();
  const figures: Record<string, number> = {};
  const failed: string[] = [];
  for (const { number, scenario } of selected) {
    const started = performance.now();
    console.log(`\n== ${number}. ${scenario.title} (${scenario.id}) ==`);
    let result: ScenarioResult;
    try {
      result = await scenario.run({
        quick: args.quick,
        workDir,
        reportDir,
        context: `${contextLine(context)}; ${context.command}`,
        progress: (message) =>
          console.log(
            `[${scenario.id} ${((performance.now() - began) / 1000).toFixed(0)}s] ${message}`,
          ),
      });
    } catch (error) {
      failed.push(scenario.id);
      console.error(
        `${scenario.id} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
      );
      // What it started must not linger into the next scenario's measurements.
      await stopAll((message) => console.error(message));
      console.log(`${scenario.id}=failed`);
      continue;
    }
    Object.assign(figures, result.figures);
    const seconds = (performance.now() - started) / 1000;
    fresh.set(scenario.id, {
      id: scenario.id,
      heading: `${number}. ${scenario.title}`,
      body:
        `_Measured ${formatDate(new Date())} with \`${context.command}\`` +
        (seconds >= 1 ? ` (${seconds.toFixed(0)} s)` : ' (with the scenario before)') +
        ' on ' +
        `${context.cores} cores, ${context.memoryGiB.toFixed(0)} GiB, Node ${context.node}, Temporal CLI ` +
        `${context.temporalCli}, ${describeSdk(context.sdk)}; load average ` +
        `${formatNumber(os.loadavg()[0] ?? Number.NaN, 2)} at its end._\n\n` +
        `${result.markdown}\n\nSummary: \`${result.summary}\``,
    });
    console.log(result.summary);
  }

  const previous = fs.existsSync(reportFile) ? fs.readFileSync(reportFile, 'utf8') : '';
  fs.mkdirSync(reportDir, { recursive: true });
  const report = buildReport({
    intro: intro(context, args.quick),
    order: SCENARIOS.map(({ scenario }) => scenario.id),
    fresh,
    previous,
    defaultNotes: DEFAULT_NOTES,
  });
  // As `npm run lint` wants it (tables aligned), so a fresh report passes as written.
  const style = (await prettier.resolveConfig(reportFile)) ?? {};
  fs.writeFileSync(reportFile, await prettier.format(report, { ...style, filepath: reportFile }));
  const total = (performance.now() - began) / 1000;
  console.log(
    `\nbench: ${path.relative(process.cwd(), reportFile)} written; ${total.toFixed(0)} s` +
      (failed.length > 0 ? `; FAILED: ${failed.join(', ')}` : ''),
  );
  console.log(quickSummaryLine(figures));
  return failed.length > 0 ? 1 : 0;
}

if (require.main === module) {
  main().then(
    async (code) => {
      await stopAll();
      process.exit(code);
    },
    async (error: unknown) => {
      console.error(error instanceof Error ? error.message : error);
      await stopAll();
      process.exit(1);
    },
  );
}
