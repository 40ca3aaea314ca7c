import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import type { Config } from '../config';

/**
 * The AES-256 keys payloads are encrypted with. New payloads always use `current`; every key a
 * history may have been written under stays in `keys`, so a rotation never strands old workflows.
 */

export interface KeyringEntry {
  id: string;
  key: Buffer;
}

export interface Keyring {
  readonly current: KeyringEntry;
  readonly keys: ReadonlyMap<string, Buffer>;
}

export const KEY_BYTES = 32;

/** Where, inside DATA_DIR, the development key lives. */
export const DEV_KEY_FILE = 'payload-encryption-key.json';

export class KeyringError extends Error {
  override readonly name = 'KeyringError';
}

/** A keyring from explicit keys; `currentKeyId` defaults to the first. Never echoes key material. */
export function createKeyring(
  entries: readonly KeyringEntry[],
  currentKeyId: string | undefined = entries[0]?.id,
): Keyring {
  const keys = new Map<string, Buffer>();
  for (const { id, key } of entries) {
    if (key.length !== KEY_BYTES) {
      throw new KeyringError(`key ${id} is ${key.length} bytes; AES-256 needs ${KEY_BYTES}`);
    }
    if (keys.has(id)) throw new KeyringError(`key id ${id} is listed twice`);
    keys.set(id, key);
  }
  const current = currentKeyId === undefined ? undefined : keys.get(currentKeyId);
  if (currentKeyId === undefined || current === undefined) {
    throw new KeyringError(`the current key ${currentKeyId ?? '(none)'} is not in the keyring`);
  }
  return { current: { id: currentKeyId, key: current }, keys };
}

/**
 * The configured keys; outside production, when none are configured, the development key in
 * `<dataDir>/payload-encryption-key.json`, generated on first use.
 */
export function loadKeyring(encryption: Config['encryption'], env: Config['env']): Keyring {
  if (encryption.keys !== undefined) return createKeyring(encryption.keys, encryption.currentKeyId);
  // src/config.ts already refuses this; a generated key in production would lose data on redeploy.
  if (env === 'production') {
    throw new KeyringError('PAYLOAD_ENCRYPTION_KEYS is required in production');
  }
  const entry = loadDevelopmentKey(encryption.dataDir);
  return createKeyring([entry], entry.id);
}

const devKeyFile = z.object({
  id: z.string().regex(/^[A-Za-z0-9._-]{1,64}$/),
  key: z.base64().transform((value) => Buffer.from(value, 'base64')),
});

function readDevelopmentKey(file: string): KeyringEntry {
  const text = fs.readFileSync(file, 'utf8');
  let parsed: ReturnType<typeof devKeyFile.safeParse> | undefined;
  try {
    parsed = devKeyFile.safeParse(JSON.parse(text));
  } catch {
    // JSON.parse's message quotes the text, which is secret; the file's name is all we say.
  }
  if (!parsed?.success || parsed.data.key.length !== KEY_BYTES) {
    throw new KeyringError(
      `${file} is not a development key file; delete it to generate a new one`,
    );
  }
  return parsed.data;
}

function isErrno(error: unknown, code: string): boolean {
  return (error as NodeJS.ErrnoException | undefined)?.code === code;
}

/**
 * Reads the development key, or generates it. The new key is written in full to a private temporary
 * file and then hard-linked into place, which fails if the file appeared meanwhile: of two
 * processes starting at once exactly one key wins, and the loser reads a complete file, never a
 * half-written one.
 */
export function loadDevelopmentKey(dataDir: string): KeyringEntry {
  const file = path.resolve(dataDir, DEV_KEY_FILE);
  try {
    return readDevelopmentKey(file);
  } catch (error) {
    if (!isErrno(error, 'ENOENT')) throw error;
  }

  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  // The date says when it was made; the random part keeps a regenerated key from reusing an id.
  const entry: KeyringEntry = {
    id: `dev-${new Date().toISOString().slice(0, 10)}-${randomBytes(3).toString('hex')}`,
    key: randomBytes(KEY_BYTES),
  };
  const temporary = `${file}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
  const fd = fs.openSync(temporary, 'wx', 0o600);
  try {
    fs.writeSync(fd, JSON.stringify({ id: entry.id, key: entry.key.toString('base64') }) + '\n');
    // A key lost to a crash would leave every history written under it unreadable.
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  try {
    fs.linkSync(temporary, file);
    return entry;
  } catch (error) {
    if (!isErrno(error, 'EEXIST')) throw error;
    return readDevelopmentKey(file);
  } finally {
    fs.rmSync(temporary, { force: true });
  }
}
