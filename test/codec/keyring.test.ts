import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  createKeyring,
  DEV_KEY_FILE,
  KeyringError,
  loadKeyring,
  type Keyring,
} from '../../src/codec/keyring';

const ROOT = path.resolve(__dirname, '../..');
const dirs: string[] = [];

function tempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'codec-keyring-'));
  dirs.push(dir);
  return dir;
}

afterEach(() => {
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

const noKeys = (dataDir: string) => ({ keys: undefined, currentKeyId: undefined, dataDir });

describe('loadKeyring', () => {
  it('uses configured keys as they are, the named one current', () => {
    const a = { id: '2025-01', key: randomBytes(32) };
    const b = { id: '2026-11', key: randomBytes(32) };
    const dataDir = tempDir();
    const keyring = loadKeyring({ keys: [a, b], currentKeyId: '2026-11', dataDir }, 'production');
    expect(keyring.current).toEqual(b);
    expect([...keyring.keys]).toEqual([
      ['2025-01', a.key],
      ['2026-11', b.key],
    ]);
    // No development key is made when keys are configured.
    expect(fs.readdirSync(dataDir)).toEqual([]);
  });

  it('refuses production without configured keys', () => {
    const dataDir = path.join(tempDir(), 'data');
    expect(() => loadKeyring(noKeys(dataDir), 'production')).toThrow(KeyringError);
    expect(fs.existsSync(dataDir)).toBe(false);
  });

  it('generates the development key on first use, private to its owner, and reuses it', () => {
    const dataDir = path.join(tempDir(), 'nested', 'data');
    const first = loadKeyring(noKeys(dataDir), 'development');
    const file = path.join(dataDir, DEV_KEY_FILE);
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(first.current.id).toMatch(/^dev-\d{4}-\d{2}-\d{2}-[0-9a-f]{6}$/);
    expect(first.current.key).toHaveLength(32);
    expect([...first.keys.keys()]).toEqual([first.current.id]);
    // Nothing but the key file is left behind (no temporary files).
    expect(fs.readdirSync(dataDir)).toEqual([DEV_KEY_FILE]);

    const second = loadKeyring(noKeys(dataDir), 'test');
    expect(second.current.id).toBe(first.current.id);
    expect(second.current.key.equals(first.current.key)).toBe(true);
  });

  it('refuses a damaged development key file without quoting it', () => {
    const dataDir = tempDir();
    const secret = 'c2VjcmV0LWJ1dC1ub3QtYS1rZXk=';
    fs.writeFileSync(path.join(dataDir, DEV_KEY_FILE), `{"id":"dev","key":"${secret}"`);
    expect(() => loadKeyring(noKeys(dataDir), 'development')).toThrow(/is not a development key/);
    try {
      loadKeyring(noKeys(dataDir), 'development');
    } catch (error) {
      expect((error as Error).message).not.toContain(secret);
    }
  });

  it('gives processes starting at once the same development key', async () => {
    const dataDir = tempDir();
    // Each child loads its modules, says it is ready, and loads the keyring when told to go, so
    // the first loads overlap as closely as processes allow.
    const script = [
      "const { loadKeyring } = require('./src/codec/keyring');",
      "process.stdout.write('ready\\n');",
      "process.stdin.once('data', () => {",
      '  const { current } = loadKeyring(',
      '    { keys: undefined, currentKeyId: undefined, dataDir: process.argv[1] },',
      "    'development',",
      '  );',
      "  process.stdout.write(JSON.stringify({ id: current.id, key: current.key.toString('hex') }));",
      '  process.exit(0);',
      '});',
    ].join('\n');
    const children = Array.from({ length: 4 }, () =>
      spawn(process.execPath, ['--require', 'tsx/cjs', '-e', script, dataDir], {
        cwd: ROOT,
        stdio: ['pipe', 'pipe', 'inherit'],
      }),
    );
    const outputs = children.map((child) => {
      let out = '';
      child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
      return { child, output: () => out, exited: once(child, 'exit') };
    });
    await Promise.all(
      outputs.map(
        ({ child }) =>
          new Promise<void>((resolve) => {
            child.stdout.once('data', () => resolve());
          }),
      ),
    );
    for (const { child } of outputs) child.stdin.write('go\n');
    const exits = await Promise.all(outputs.map(({ exited }) => exited));
    expect(exits.map(([code]) => code as number)).toEqual([0, 0, 0, 0]);

    const loaded = outputs.map(
      ({ output }) => JSON.parse(output().replace(/^ready\n/, '')) as unknown,
    );
    const onDisk = loadKeyring(noKeys(dataDir), 'development');
    const expected = { id: onDisk.current.id, key: onDisk.current.key.toString('hex') };
    expect(loaded).toEqual([expected, expected, expected, expected]);
    expect(fs.readdirSync(dataDir)).toEqual([DEV_KEY_FILE]);
  });
});

describe('createKeyring', () => {
  const a = { id: 'a', key: randomBytes(32) };
  const b = { id: 'b', key: randomBytes(32) };

  it('makes the first key current unless another is named', () => {
    const first: Keyring = createKeyring([a, b]);
    expect(first.current.id).toBe('a');
    expect(createKeyring([a, b], 'b').current).toEqual(b);
  });

  it('refuses keys that are not AES-256, repeated ids and a current key it does not hold', () => {
    expect(() => createKeyring([{ id: 'short', key: randomBytes(16) }])).toThrow(
      /short is 16 bytes/,
    );
    expect(() => createKeyring([a, { ...b, id: 'a' }])).toThrow(/listed twice/);
    expect(() => createKeyring([a], 'b')).toThrow(/current key b is not in the keyring/);
    expect(() => createKeyring([])).toThrow(KeyringError);
  });
});
