/* eslint-disable @typescript-eslint/no-require-imports -- a preload script loads with require */
'use strict';
// Preloaded into the stack's Node parts to profile them under benchmark load (Node 20 refuses
// --cpu-prof in NODE_OPTIONS):
//   BENCH_PROFILE_DIR=.bench/profiles \
//   BENCH_PART_NODE_OPTIONS="--require $PWD/bench/profile/preload.cjs" npm run bench -- throughput
// Each part (and each of its worker threads: the worker runs workflows in one) writes
// <entry>-<pid>[-thread<n>].cpuprofile into BENCH_PROFILE_DIR when it exits; read them with
// `node --import tsx bench/profile/summarize.ts <files>` or Chrome DevTools.
const fs = require('node:fs');
const inspector = require('node:inspector');
const path = require('node:path');
const { threadId } = require('node:worker_threads');

const dir = process.env.BENCH_PROFILE_DIR;
if (dir) {
  const entry = path.basename(process.argv[1] || 'node', path.extname(process.argv[1] || ''));
  const part = `${path.basename(path.dirname(process.argv[1] || ''))}-${entry}`;
  const session = new inspector.Session();
  session.connect();
  session.post('Profiler.enable');
  session.post('Profiler.setSamplingInterval', { interval: 500 });
  session.post('Profiler.start');
  process.on('exit', () => {
    // The in-process session answers synchronously, so this completes before the process ends.
    session.post('Profiler.stop', (error, result) => {
      if (error || !result) return;
      fs.mkdirSync(dir, { recursive: true });
      fs.writeFileSync(
        path.join(dir, `${part}-${process.pid}${threadId ? `-thread${threadId}` : ''}.cpuprofile`),
        JSON.stringify(result.profile),
      );
    });
  });
}
