import { parseArgs } from 'node:util';
import { z } from 'zod';
import { OnboardingApiClient } from '../api/client';
import { OnboardingApiError } from '../api/client-errors';
import { fieldIssues } from '../validation';
import {
  API_STATUSES,
  apiStatus,
  onboardingStep,
  resubmitKycBody,
  startOnboardingBody,
} from '../api/schemas';
import { ConfigError, loadConfig } from '../config';
import { ONBOARDING_STEPS } from '../contract/onboarding-view';
import { InputError, UsageError } from './cli-errors';
import { EXIT, exitCodeFor } from './exit-codes';
import { fieldList, onboardingDetails, onboardingList } from './format';
import { HELP } from './help';
import { readJson, type Input } from './read-json';

export interface Output {
  write(text: string): unknown;
}

export interface CliIo {
  stdout: Output;
  stderr: Output;
  stdin: Input;
  env: Record<string, string | undefined>;
  fetch?: typeof fetch;
}

const OPTIONS = {
  url: { type: 'string' },
  token: { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
  status: { type: 'string' },
  'page-size': { type: 'string' },
  'page-token': { type: 'string' },
  step: { type: 'string' },
  'from-file': { type: 'string' },
  ssn: { type: 'string' },
  dob: { type: 'string' },
} as const;

type OptionName = keyof typeof OPTIONS;
type Values = ReturnType<typeof parseArgs<{ options: typeof OPTIONS }>>['values'];

const GLOBAL_OPTIONS: OptionName[] = ['url', 'token', 'json', 'help'];

interface Context {
  args: string[];
  values: Values;
  client: OnboardingApiClient;
  io: CliIo;
}

interface Command {
  /** Names of the positional arguments, all required. */
  args: string[];
  options: OptionName[];
  run(context: Context): Promise<void>;
}

function print(context: Context, json: unknown, human: () => string): void {
  context.io.stdout.write(context.values.json ? `${JSON.stringify(json, null, 2)}\n` : human());
}

function oneOf<T extends string>(
  schema: z.ZodType<T>,
  allowed: readonly string[],
  option: string,
  value: string | undefined,
): T | undefined {
  if (value === undefined) return undefined;
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new UsageError(`--${option} must be one of: ${allowed.join(', ')}`);
  return parsed.data;
}

function validated<S extends z.ZodType>(schema: S, value: unknown, what: string): z.output<S> {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new InputError(`invalid ${what}`, fieldIssues(parsed.error));
  return parsed.data;
}

const pageSize = z.coerce.number().int().min(1).max(100);

const COMMANDS: Record<string, Command> = {
  start: {
    args: ['file.json | -'],
    options: [],
    async run(context) {
      const request = validated(
        startOnboardingBody,
        await readJson(context.args[0]!, context.io.stdin),
        'onboarding request',
      );
      const { created, ...started } = await context.client.start(request);
      print(context, started, () =>
        created
          ? `Started the onboarding of signup ${started.signupId} (${started.workflowId}): ${started.status}\n`
          : `Signup ${started.signupId} already has an onboarding (${started.workflowId}): ${started.status}\n`,
      );
    },
  },
  status: {
    args: ['signupId'],
    options: [],
    async run(context) {
      const view = await context.client.get(context.args[0]!);
      print(context, view, () => onboardingDetails(view));
    },
  },
  list: {
    args: [],
    options: ['status', 'page-size', 'page-token'],
    async run(context) {
      const { values } = context;
      const size = values['page-size'];
      if (size !== undefined && !pageSize.safeParse(size).success) {
        throw new UsageError('--page-size must be a whole number from 1 to 100');
      }
      const page = await context.client.list({
        status: oneOf(apiStatus, API_STATUSES, 'status', values.status),
        pageSize: size === undefined ? undefined : Number(size),
        pageToken: values['page-token'],
      });
      print(context, page, () => onboardingList(page));
    },
  },
  retry: {
    args: ['signupId'],
    options: ['step'],
    async run(context) {
      const signupId = context.args[0]!;
      const step = oneOf(onboardingStep, ONBOARDING_STEPS, 'step', context.values.step);
      const accepted = await context.client.retry(signupId, step === undefined ? {} : { step });
      print(
        context,
        accepted,
        () => `Retrying step ${accepted.step} of signup ${signupId} (run ${accepted.attempt})\n`,
      );
    },
  },
  'resubmit-kyc': {
    args: ['signupId'],
    options: ['from-file', 'ssn', 'dob'],
    async run(context) {
      const { values, io } = context;
      const signupId = context.args[0]!;
      const fromFlags = values.ssn !== undefined || values.dob !== undefined;
      if (fromFlags === (values['from-file'] !== undefined)) {
        throw new UsageError(
          'resubmit-kyc needs either --from-file <file.json | -> or --ssn and --dob',
        );
      }
      const data = validated(
        resubmitKycBody,
        fromFlags
          ? { ssn: values.ssn, dateOfBirth: values.dob }
          : await readJson(values['from-file']!, io.stdin),
        'KYC data',
      );
      const accepted = await context.client.resubmitKyc(signupId, data);
      print(
        context,
        accepted,
        () => `KYC data resubmitted for signup ${signupId} (submission ${accepted.submission})\n`,
      );
    },
  },
  cancel: {
    args: ['signupId'],
    options: [],
    async run(context) {
      const signupId = context.args[0]!;
      const accepted = await context.client.cancel(signupId);
      print(
        context,
        accepted,
        () =>
          `Cancellation of signup ${signupId} requested; its status turns cancelled once the workflow has stopped\n`,
      );
    },
  },
};

function parse(argv: string[]) {
  try {
    return parseArgs({ args: argv, options: OPTIONS, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
}

function clientFor(values: Values, io: CliIo): OnboardingApiClient {
  // Only what the CLI needs: an operator's shell need not hold the worker's Ingo credentials.
  const { api } = loadConfig({
    ONBOARDING_API_URL: io.env.ONBOARDING_API_URL,
    ONBOARDING_API_TOKEN: io.env.ONBOARDING_API_TOKEN,
  });
  const url = values.url ?? api.url;
  if (!z.url({ protocol: /^https?$/ }).safeParse(url).success) {
    throw new UsageError('--url must be an http(s) URL');
  }
  return new OnboardingApiClient({
    baseUrl: url,
    token: values.token ?? api.token,
    fetch: io.fetch,
  });
}

function report(error: unknown, json: boolean | undefined, io: CliIo): void {
  if (error instanceof OnboardingApiError) {
    if (json) {
      const { code, message, fields } = error;
      io.stdout.write(`${JSON.stringify({ error: { code, message, fields } }, null, 2)}\n`);
    }
    io.stderr.write(`error: ${error.message} (${error.status} ${error.code})\n`);
    io.stderr.write(fieldList(error.fields));
    return;
  }
  if (error instanceof InputError) {
    io.stderr.write(`error: ${error.message}\n${fieldList(error.fields)}`);
    return;
  }
  if (error instanceof UsageError) {
    io.stderr.write(`error: ${error.message}\nRun "ingo-onboarding help" for usage.\n`);
    return;
  }
  io.stderr.write(`error: ${error instanceof Error ? error.message : String(error)}\n`);
}

/**
 * The operator CLI, in-process: parses `argv` (without node and the script), talks to the API
 * through the typed client, writes to the given streams and resolves to the exit code.
 */
export async function runCli(argv: string[], io: CliIo): Promise<number> {
  let json: boolean | undefined;
  try {
    const { values, positionals } = parse(argv);
    json = values.json;
    const [name, ...args] = positionals;
    if (name === 'help' || values.help) {
      io.stdout.write(HELP);
      return EXIT.ok;
    }
    if (name === undefined) {
      io.stderr.write(HELP);
      return EXIT.usage;
    }
    const command = COMMANDS[name];
    if (!command) throw new UsageError(`unknown command ${JSON.stringify(name)}`);
    const allowed = new Set([...GLOBAL_OPTIONS, ...command.options]);
    const stray = Object.keys(values).find((option) => !allowed.has(option as OptionName));
    if (stray) throw new UsageError(`${name} takes no --${stray}`);
    if (args.length !== command.args.length) {
      const expected = command.args.map((arg) => `<${arg}>`).join(' ');
      throw new UsageError(`usage: ingo-onboarding ${name} ${expected}`.trimEnd());
    }
    await command.run({ args, values, client: clientFor(values, io), io });
    return EXIT.ok;
  } catch (error) {
    if (error instanceof ConfigError) {
      io.stderr.write(`error: ${error.message}\n`);
      return EXIT.usage;
    }
    report(error, json, io);
    return exitCodeFor(error);
  }
}
