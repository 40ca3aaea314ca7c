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

describe('lint: workflow code imports no Node built-ins, and no zod values', () => {
  it('flags node: and bare built-in imports under src/workflows', async () => {
    const hits = await rulesHit(
      'src/workflows/probe.ts',
      "import fs from 'node:fs';\nimport { createHash } from 'crypto';\nexport const x = [fs, createHash];\n",
    );
    expect(hits).toEqual([
      '@typescript-eslint/no-restricted-imports',
      '@typescript-eslint/no-restricted-imports',
    ]);
  });

  it('allows the Temporal workflow API and type-only activity imports', async () => {
    const hits = await rulesHit(
      'src/workflows/probe.ts',
      "import { sleep } from '@temporalio/workflow';\nimport type * as activities from '../activities';\nexport const x: [typeof sleep, typeof activities | undefined] = [sleep, undefined];\n",
    );
    expect(hits).toEqual([]);
  });

  it('flags values from zod and the schema modules, allows their types', async () => {
    const values = await rulesHit(
      'src/workflows/probe.ts',
      "import { z } from 'zod';\nimport { kycData } from '../contract/onboarding-input';\nimport { kycStatus } from '../ingo/schemas/fields';\nexport const x = [z, kycData, kycStatus];\n",
    );
    expect(values).toEqual(Array(3).fill('@typescript-eslint/no-restricted-imports'));
    const types = await rulesHit(
      'src/workflows/probe.ts',
      "import type { z } from 'zod';\nimport type { KycData } from '../contract/onboarding-input';\nexport type X = [z.ZodType, KycData];\n",
    );
    expect(types).toEqual([]);
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

describe('lint: only the worker and the bundler import workflow code', () => {
  const RESTRICTED = '@typescript-eslint/no-restricted-imports';
  // [file, imported module, the rule's hits]
  const cases: [string, string, string[]][] = [
    ['src/api/probe.ts', '../workflows/onboarding', [RESTRICTED]],
    ['chaos/probe.ts', '../src/workflows', [RESTRICTED]],
    ['bench/probe.ts', '../src/contract/messages', []],
    ['src/worker.ts', './workflows/onboarding', []],
  ];

  it.each(cases)('%s importing %s: %j', async (file, module, hits) => {
    // A type-only import counts too: callers type workflows through src/contract/workflow-types.
    const code = `import type * as imported from '${module}';\nexport type X = typeof imported;\n`;
    expect(await rulesHit(file, code)).toEqual(hits);
  });
});
