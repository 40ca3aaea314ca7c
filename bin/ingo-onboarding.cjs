#!/usr/bin/env node
/* eslint-disable @typescript-eslint/no-require-imports -- a CommonJS entry point loads with require */
'use strict';

// The `ingo-onboarding` command: the built CLI when there is one (`npm run build`), otherwise
// the TypeScript source through tsx, so it also works in a fresh checkout.
const fs = require('node:fs');
const path = require('node:path');

const root = path.join(__dirname, '..');
const built = path.join(root, 'dist', 'cli', 'main.js');

if (fs.existsSync(built)) {
  require(built);
} else {
  require('tsx/cjs');
  require(path.join(root, 'src', 'cli', 'main.ts'));
}
