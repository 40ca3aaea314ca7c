import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { temporalCliPath } from '../../dev/temporal/binaries';

/**
 * What every figure states beside it: the machine (cores, CPU, memory), the versions (Node, the
 * Temporal CLI and server, the SDK packages), the command, the date, and how busy the machine was.
 */

export interface RunContext {
  date: Date;
  command: string;
  cores: number;
  cpuModel: string;
  memoryGiB: number;
  os: string;
  node: string;
  temporalCli: string;
  sdk: Record<string, string>;
  loadAverageAtStart: number;
}

export const PROJECT_ROOT = path.resolve(__dirname, '../..');

function temporalCliVersion(): string {
  try {
    const output = execFileSync(temporalCliPath(), ['--version'], {
      encoding: 'utf8',
      timeout: 10_000,
    });
    return output.trim().replace(/^temporal version /, '');
  } catch (error) {
    return `unknown (${error instanceof Error ? error.message.split('\n')[0] : String(error)})`;
  }
}

function sdkVersions(): Record<string, string> {
  const scope = path.join(PROJECT_ROOT, 'node_modules', '@temporalio');
  const versions: Record<string, string> = {};
  for (const name of ['client', 'worker', 'workflow', 'activity', 'common', 'core-bridge']) {
    try {
      const manifest = JSON.parse(
        fs.readFileSync(path.join(scope, name, 'package.json'), 'utf8'),
      ) as { version: string };
      versions[`@temporalio/${name}`] = manifest.version;
    } catch {
      // not installed: not listed
    }
  }
  return versions;
}

export function runContext(argv: readonly string[]): RunContext {
  const cpus = os.cpus();
  return {
    date: new Date(),
    command: ['npm run bench', ...(argv.length > 0 ? ['--', ...argv] : [])].join(' '),
    cores: cpus.length,
    cpuModel: cpus[0]?.model.trim() ?? 'unknown CPU',
    memoryGiB: os.totalmem() / 1024 ** 3,
    os: `${os.type()} ${os.release()}`,
    node: process.version,
    temporalCli: temporalCliVersion(),
    sdk: sdkVersions(),
    loadAverageAtStart: os.loadavg()[0] ?? Number.NaN,
  };
}

/** `@temporalio/* 1.24.0`, or each package's version when they differ. */
export function describeSdk(sdk: Record<string, string>): string {
  const versions = [...new Set(Object.values(sdk))];
  if (versions.length === 1) return `@temporalio/* ${versions[0]}`;
  return Object.entries(sdk)
    .map(([name, version]) => `${name} ${version}`)
    .join(', ');
}

/** `2026-11-21 09:40 UTC` */
export function formatDate(date: Date): string {
  return `${date.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

/** The one line a section or chart states: machine, versions, date. */
export function contextLine(context: RunContext): string {
  return (
    `${context.cores} cores (${context.cpuModel}), ${context.memoryGiB.toFixed(0)} GiB; ` +
    `Node ${context.node}; Temporal CLI ${context.temporalCli}; ${describeSdk(context.sdk)}; ` +
    formatDate(context.date)
  );
}
