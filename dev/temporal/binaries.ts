// Paths to the Temporal CLI (dev server) and the time-skipping test server.
//
// `scripts/install-temporal.mjs` (the package's postinstall) resolves them and records the result
// in `<project root>/.tools/temporal.json`; this module only reads that manifest. The environment
// variables TEMPORAL_CLI / TEMPORAL_TEST_SERVER take precedence, as they do for the installer.

import fs from 'node:fs';
import path from 'node:path';

interface Binary {
  envVar: 'TEMPORAL_CLI' | 'TEMPORAL_TEST_SERVER';
  manifestKey: 'cli' | 'testServer';
  label: string;
}

const CLI: Binary = { envVar: 'TEMPORAL_CLI', manifestKey: 'cli', label: 'Temporal CLI' };
const TEST_SERVER: Binary = {
  envVar: 'TEMPORAL_TEST_SERVER',
  manifestKey: 'testServer',
  label: 'Temporal test server',
};

const FIX = 'Run `npm install` (or `node scripts/install-temporal.mjs`) in the project root.';

/**
 * The nearest ancestor directory holding a package.json: the project root, whether this file runs
 * from `dev/temporal/` (tsx, vitest) or compiled to `dist-dev/dev/temporal/`.
 */
function projectRoot(): string {
  for (let dir = __dirname; ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, 'package.json'))) return dir;
    if (path.dirname(dir) === dir) {
      throw new Error(`No package.json found above ${__dirname}; cannot locate .tools/.`);
    }
  }
}

function resolveBinary(binary: Binary): string {
  const fromEnv = process.env[binary.envVar];
  if (fromEnv) {
    if (!fs.existsSync(fromEnv)) {
      throw new Error(
        `${binary.envVar}=${fromEnv} does not exist (unset it to use .tools/temporal.json).`,
      );
    }
    return path.resolve(fromEnv);
  }

  const manifestPath = path.join(projectRoot(), '.tools', 'temporal.json');
  let manifest: Partial<Record<Binary['manifestKey'], unknown>>;
  try {
    manifest = JSON.parse(fs.readFileSync(manifestPath, 'utf8')) as typeof manifest;
  } catch (err) {
    const reason =
      (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'is missing' : 'is unreadable';
    throw new Error(`${binary.label}: ${manifestPath} ${reason}. ${FIX}`, { cause: err });
  }
  const exe = manifest[binary.manifestKey];
  if (typeof exe !== 'string' || exe === '') {
    throw new Error(`${binary.label}: ${manifestPath} has no "${binary.manifestKey}" path. ${FIX}`);
  }
  if (!fs.existsSync(exe)) {
    throw new Error(`${binary.label}: ${exe} (from ${manifestPath}) does not exist. ${FIX}`);
  }
  return exe;
}

/** Absolute path of the `temporal` CLI (runs the dev server: `temporal server start-dev`). */
export function temporalCliPath(): string {
  return resolveBinary(CLI);
}

/** Absolute path of the Java time-skipping test server (`temporal-test-server <port>`). */
export function temporalTestServerPath(): string {
  return resolveBinary(TEST_SERVER);
}
