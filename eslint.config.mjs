import { builtinModules } from 'node:module';
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

const nodeBuiltins = builtinModules.flatMap((name) => [name, `node:${name}`]);
const ZOD_MESSAGE =
  'Workflow code imports zod and schemas for their types only: load them through lazy-schemas.ts.';

export default tseslint.config(
  { ignores: ['dist/', 'dist-dev/', 'node_modules/', '.tools/', '.data/', 'coverage/'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
      globals: { ...globals.node },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', ignoreRestSiblings: true },
      ],
    },
  },
  {
    // Workflow code runs in Temporal's deterministic sandbox: Node built-ins are unavailable there
    // and would break replay, so importing one is an error rather than a runtime surprise. Every
    // workflow evaluates the modules it imports for itself, and zod costs about 3 MB each time:
    // zod and the schema modules are imported for their types only (src/workflows/lazy-schemas.ts).
    files: ['src/workflows/**/*.ts', 'src/codec/failure-converter.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: [
            ...nodeBuiltins.map((name) => ({
              name,
              message: 'Workflow code must not import Node built-ins (Temporal workflow sandbox).',
            })),
            { name: 'zod', allowTypeImports: true, message: ZOD_MESSAGE },
          ],
          patterns: [
            {
              group: ['**/schemas/*', '**/onboarding-input'],
              allowTypeImports: true,
              message: ZOD_MESSAGE,
            },
          ],
        },
      ],
    },
  },
  {
    // Workflow code is the worker's and the bundler's alone: everyone else (activities, API,
    // receiver, CLI, dev tools, bench, chaos, tests) talks to workflows through src/contract, so a
    // workflow can change shape without touching its callers.
    files: ['**/*.ts'],
    ignores: [
      'src/workflows/**',
      'src/codec/failure-converter.ts',
      'src/worker.ts',
      'scripts/bundle-workflows.ts',
      'bench/baseline/workflows.ts',
    ],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: [
                '**/src/workflows',
                '**/src/workflows/*',
                '../workflows',
                '../workflows/*',
                './workflows',
                './workflows/*',
              ],
              message: 'Import the contract (src/contract), not workflow code.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['**/*.mjs', '**/*.cjs'],
    ...tseslint.configs.disableTypeChecked,
  },
);
