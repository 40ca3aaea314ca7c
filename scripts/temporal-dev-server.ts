import { spawn } from 'node:child_process';
import fs from 'node:fs';
import { config, ConfigError } from '../src/config';
import { temporalCliPath } from '../src/temporal/binaries';
import { temporalSettings } from '../src/temporal/connection';
import { devServerArgs } from '../src/temporal/dev-server';

/**
 * `npm run temporal`: the project-installed Temporal dev server where TEMPORAL_ADDRESS says
 * (default localhost:7233, Web UI on :8233), keeping its state in DATA_DIR, with the search
 * attributes registered and the UI decoding payloads through `npm run codec-server`. Extra
 * arguments go to `temporal server start-dev` as they are.
 */
function main(): void {
  const settings = config();
  fs.mkdirSync(settings.encryption.dataDir, { recursive: true });
  const args = [...devServerArgs(settings, temporalSettings().address), ...process.argv.slice(2)];
  const child = spawn(temporalCliPath(), args, { stdio: 'inherit' });
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => child.kill(signal));
  }
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 0 : 1)));
}

try {
  main();
} catch (error) {
  console.error(error instanceof ConfigError ? error.message : error);
  process.exit(1);
}
