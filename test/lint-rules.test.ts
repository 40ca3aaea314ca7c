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
  it('flags workflow imports, values and types alike, outside src/workflows', async () => {
    const rule = '@typescript-eslint/no-restricted-imports';
    expect(
      await rulesHit(
        'src/api/probe.ts',
        "import type { onboarding } from '../workflows/onboarding';\nexport type X = typeof onboarding;\n",
      ),
    ).toEqual([rule]);
    expect(
      await rulesHit(
        'chaos/probe.ts',
        "import { onboarding } from '../src/workflows';\nexport const x = onboarding;\n",
      ),
    ).toEqual([rule]);
  });

  it('allows the contract, and the worker itself', async () => {
    expect(
      await rulesHit(
        'bench/probe.ts',
        "import { statusQuery } from '../src/contract/messages';\nexport const x = statusQuery;\n",
      ),
    ).toEqual([]);
    expect(
      await rulesHit(
        'src/worker.ts',
        "import { onboarding } from './workflows/onboarding';\nexport const x = onboarding;\n",
      ),
    ).toEqual([]);
  });
});
