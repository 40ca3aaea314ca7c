import { readFile } from 'node:fs/promises';
import { InputError, UsageError } from './cli-errors';

export type Input = AsyncIterable<string | Buffer>;

async function readAll(input: Input): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of input) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk));
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * JSON from a file, or from stdin for `-`, so personal data can be piped in rather than typed
 * into the command line (and the shell's history). Errors never quote the content.
 */
export async function readJson(source: string, stdin: Input): Promise<unknown> {
  let text: string;
  try {
    text = source === '-' ? await readAll(stdin) : await readFile(source, 'utf8');
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    throw new UsageError(`cannot read ${source}${typeof code === 'string' ? ` (${code})` : ''}`);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new InputError(`${source === '-' ? 'stdin' : source} is not valid JSON`);
  }
}
