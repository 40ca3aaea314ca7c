import fs from 'node:fs';
import path from 'node:path';
import { parseEnv } from 'node:util';
import { loadConfig, localUrl, type Config } from '../../src/config';
import { temporalCliPath } from '../temporal/binaries';
import { DEFAULT_ADDRESS, loadTemporalSettings } from '../../src/temporal/connection';
import { devServerArgs, devServerDatabase } from '../temporal/dev-server';
import { workerNodeFlags } from '../../src/temporal/worker-heap';

/**
 * What `npm start` runs, decided before anything starts: the parts, their commands, the one
 * environment they share, and which embedded parts are left out because the user configured a
 * real one (TEMPORAL_ADDRESS: no dev server; INGO_BANKING_BASE_URL and INGO_PAY_BASE_URL: no
 * sandbox). Pure apart from reading `local.env` and locating the Temporal CLI, so it is tested
 * without starting anything.
 */

export const PART_NAMES = ['temporal', 'sandbox', 'codec', 'api', 'worker'] as const;
export type PartName = (typeof PART_NAMES)[number];

export interface PartSpec {
  name: PartName;
  title: string;
  command: string;
  args: string[];
  /** One of our Node processes: it reports readiness and notices a vanished stack over IPC. */
  ipc: boolean;
  /** Only this part's command line holds it (its entry file, its database): to recognise it later. */
  signature: string;
  /** Parts that must be ready before this one starts. */
  after: PartName[];
  /** How long a graceful stop may take before the part is killed. */
  stopTimeoutMs: number;
}

export interface StackPlan {
  config: Config;
  /** The environment every part runs with. */
  env: Record<string, string>;
  parts: PartSpec[];
  skipped: { name: PartName; reason: string }[];
  temporal: { address: string; namespace: string; uiUrl?: string };
}

/** A plan that cannot work, said in the terms of the variables the user sets. */
export class StackPlanError extends Error {
  override readonly name = 'StackPlanError';
}

/** The project root, where `local.env` and the parts' sources are. */
export const PROJECT_ROOT = path.resolve(__dirname, '../..');

/**
 * The local profile (`local.env`): short KYC timings and the like, so a person sees every path
 * within seconds. The user's own environment overrides each of them; production never reads it.
 */
export function readLocalDefaults(
  file = path.join(PROJECT_ROOT, 'local.env'),
): Record<string, string> {
  return Object.fromEntries(
    Object.entries(parseEnv(fs.readFileSync(file, 'utf8'))).filter(
      (entry): entry is [string, string] => entry[1] !== undefined,
    ),
  );
}

const GRACEFUL_STOP_MS = 10_000;

/**
 * Where the Node parts' code comes from: `source` runs the TypeScript through tsx (an edit needs
 * no build; the worker bundles the workflows at start), `built` runs `dist/` as production does
 * (`npm run build` first; the worker loads the prebuilt workflow bundle). Benchmarks and the chaos
 * run measure `built`.
 */
export type PartCode = 'source' | 'built';

/**
 * `entry` is the part's source file without its extension, e.g. `src/api/main`. What ships
 * (`src/`) is built to `dist/`; the development tools (`dev/`) to `dist-dev/`, under their path.
 */
function nodePart(
  code: PartCode,
  name: PartName,
  title: string,
  entry: string,
  after: PartName[] = [],
  nodeFlags: string[] = [],
): PartSpec {
  const file =
    code === 'source'
      ? path.join(PROJECT_ROOT, `${entry}.ts`)
      : path.join(PROJECT_ROOT, builtPath(entry));
  if (code === 'built' && !fs.existsSync(file)) {
    throw new StackPlanError(
      `${path.relative(PROJECT_ROOT, file)} is missing: run \`npm run build\` first`,
    );
  }
  return {
    name,
    title,
    command: process.execPath,
    // tsx's loader in the part's own process: no tsx CLI in between, so signals reach the part.
    args: code === 'source' ? [...nodeFlags, '--import', 'tsx', file] : [...nodeFlags, file],
    ipc: true,
    signature: file,
    after,
    stopTimeoutMs: GRACEFUL_STOP_MS,
  };
}

/** Where `npm run build` writes a source file (`src/x` → `dist/x.js`, `dev/x` → `dist-dev/dev/x.js`). */
export function builtPath(entry: string): string {
  return entry.startsWith('src/')
    ? `dist/${entry.slice('src/'.length)}.js`
    : `dist-dev/${entry}.js`;
}

function isSet(env: Record<string, string | undefined>, name: string): boolean {
  return (env[name] ?? '') !== '';
}

/** Whether TEMPORAL_ADDRESS, or a profile (TEMPORAL_PROFILE, temporal.toml), names a server. */
export function namesTemporalCluster(env: Record<string, string | undefined>): boolean {
  return isSet(env, 'TEMPORAL_ADDRESS') || loadTemporalSettings(env).address !== DEFAULT_ADDRESS;
}

/**
 * The Temporal Web UI people are sent to: the dev server's, or a cluster's where TEMPORAL_UI_URL
 * names it (a cluster's UI is wherever its operators put it).
 */
export function webUiUrl(
  env: Record<string, string | undefined>,
  config: Config,
  cluster = namesTemporalCluster(env),
): string | undefined {
  return cluster && !isSet(env, 'TEMPORAL_UI_URL') ? undefined : config.temporalUiUrl;
}

export function planStack(
  environment: Record<string, string | undefined>,
  {
    localDefaults = {},
    requested = PART_NAMES,
    code = 'source',
  }: {
    localDefaults?: Record<string, string>;
    requested?: readonly PartName[];
    code?: PartCode;
  } = {},
): StackPlan {
  const env: Record<string, string> = { ...localDefaults };
  for (const [name, value] of Object.entries(environment))
    if (value !== undefined) env[name] = value;
  const skipped: StackPlan['skipped'] = [];
  const wanted = new Set(requested);
  for (const name of PART_NAMES) {
    if (!wanted.has(name)) skipped.push({ name, reason: 'not asked for' });
  }

  const temporalSettings = loadTemporalSettings(env);
  const externalTemporal = namesTemporalCluster(env);
  const ingoUrls = ['INGO_BANKING_BASE_URL', 'INGO_PAY_BASE_URL'].filter((name) =>
    isSet(env, name),
  );
  if (ingoUrls.length === 1) {
    throw new StackPlanError(
      `${ingoUrls[0]} is set but not ${ingoUrls[0] === 'INGO_PAY_BASE_URL' ? 'INGO_BANKING_BASE_URL' : 'INGO_PAY_BASE_URL'}: ` +
        'set both to use a real Ingo, or neither to use the local sandbox',
    );
  }
  const externalIngo = ingoUrls.length === 2;

  const preliminary = loadConfig(env);
  if (!externalTemporal) {
    env.TEMPORAL_ADDRESS = `127.0.0.1:${preliminary.devServer.port}`;
    const ui = preliminary.devServer.uiPort;
    if (!isSet(env, 'CODEC_CORS_ORIGINS')) {
      env.CODEC_CORS_ORIGINS = `http://localhost:${ui},http://127.0.0.1:${ui}`;
    }
  }
  if (!externalIngo && !isSet(env, 'INGO_SANDBOX_WEBHOOK_URL')) {
    env.INGO_SANDBOX_WEBHOOK_URL = `${localUrl(preliminary.api.host, preliminary.api.port)}/webhooks/ingo`;
  }
  // Every part finds the same local state wherever it runs from.
  env.DATA_DIR = path.resolve(preliminary.encryption.dataDir);
  const config = loadConfig(env);

  const parts: PartSpec[] = [];
  const ports: [string, number][] = [];
  const include = (name: PartName, configured: string | undefined, spec: () => PartSpec) => {
    if (!wanted.has(name)) return;
    if (configured) skipped.push({ name, reason: configured });
    else parts.push(spec());
  };
  include(
    'temporal',
    externalTemporal ? `using Temporal at ${temporalSettings.address}` : undefined,
    () => {
      ports.push(['TEMPORAL_DEV_SERVER_PORT', config.devServer.port]);
      ports.push(['TEMPORAL_DEV_SERVER_UI_PORT', config.devServer.uiPort]);
      const namespace = temporalSettings.namespace;
      return {
        name: 'temporal',
        title: 'Temporal dev server',
        command: temporalCliPath(),
        args: [
          ...devServerArgs(config),
          ...(namespace === 'default' ? [] : ['--namespace', namespace]),
        ],
        ipc: false,
        signature: devServerDatabase(config),
        after: [],
        stopTimeoutMs: GRACEFUL_STOP_MS,
      };
    },
  );
  include(
    'sandbox',
    externalIngo ? `using Ingo at ${config.ingo.bankingBaseUrl}` : undefined,
    () => {
      ports.push(['INGO_SANDBOX_PORT', config.sandbox.port]);
      return nodePart(code, 'sandbox', 'Ingo sandbox', 'dev/sandbox/main');
    },
  );
  include('codec', undefined, () => {
    ports.push(['CODEC_SERVER_PORT', config.codec.port]);
    return nodePart(code, 'codec', 'codec server', 'src/codec/main');
  });
  include('api', undefined, () => {
    ports.push(['ONBOARDING_API_PORT', config.api.port]);
    return nodePart(code, 'api', 'onboarding API and webhook receiver', 'src/api/main');
  });
  include('worker', undefined, () => ({
    ...nodePart(
      code,
      'worker',
      'worker',
      'src/worker',
      externalTemporal || !wanted.has('temporal') ? [] : ['temporal'],
      workerNodeFlags(config.workerTuning.maxCachedWorkflows),
    ),
    // An Ingo call in flight may take its whole timeout (the worker's shutdown grace).
    stopTimeoutMs: config.ingo.timeoutMs + GRACEFUL_STOP_MS,
  }));

  for (const [name, port] of ports) {
    if (port === 0)
      throw new StackPlanError(`${name} is 0: the stack's parts find each other by fixed ports`);
    const other = ports.find(([otherName, otherPort]) => otherName !== name && otherPort === port);
    if (other) throw new StackPlanError(`${name} and ${other[0]} are both ${port}`);
  }

  return {
    config,
    env,
    parts,
    skipped,
    temporal: {
      address: env.TEMPORAL_ADDRESS ?? temporalSettings.address,
      namespace: temporalSettings.namespace,
      uiUrl: webUiUrl(env, config, externalTemporal),
    },
  };
}
