import path from 'node:path';
import { ESLint } from 'eslint';
import tseslint from 'typescript-eslint';
import { describe, expect, it } from 'vitest';

/**
 * The project's own lint rules, run on snippets. Type-aware rules are switched off here because
 * the snippets are not files of the TypeScript project; the rule under test needs no types.
 */

const root = path.join(__dirname, '..');
const eslint = new ESLint({ cwd: root, overrideConfig: tseslint.configs.disableTypeChecked });

async function rulesHit(file: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: path.join(root, file) });
  return result!.messages.map((message) => message.ruleId ?? message.message);
}

describe('lint: workflow code imports no Node built-ins', () => {
  it('flags node: and bare built-in imports under src/workflows', async () => {
    const hits = await rulesHit(
      'src/workflows/probe.ts',
      "import fs from 'node:fs';\nimport { createHash } from 'crypto';\nexport const x = [fs, createHash];\n",
    );
    expect(hits).toEqual(['no-restricted-imports', 'no-restricted-imports']);
  });

  it('allows the Temporal workflow API and type-only activity imports', async () => {
    const hits = await rulesHit(
      'src/workflows/probe.ts',
      "import { sleep } from '@temporalio/workflow';\nimport type * as activities from '../activities';\nexport const x: [typeof sleep, typeof activities | undefined] = [sleep, undefined];\n",
    );
    expect(hits).toEqual([]);
  });

  it('leaves activities free to use Node', async () => {
    expect(
      await rulesHit(
        'src/activities/probe.ts',
        "import fs from 'node:fs';\nexport const x = fs;\n",
      ),
    ).toEqual([]);
  });
});
