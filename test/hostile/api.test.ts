// Hostile input to the onboarding API (/v1), served as production serves it (createApp + serve)
// in front of a real Temporal dev server. Unauthenticated requests, malformed and oversized bodies,
// wrong content types, and injection-shaped strings in every field of POST /v1/onboardings, in the
// signupId path parameter and in the query of GET /v1/onboardings. Every refusal is a 4xx with a
// code and the offending field named, never a 5xx, and reaches nothing: the app's Temporal client
// records every call it makes (workflow client interceptor: starts, signals, updates, queries,
// describes; gRPC interceptor: every RPC, listings included) and must record none. Ingo is only
// ever called by activities of a running workflow; no worker polls this task queue, so nothing
// the API accepts reaches Ingo either.

import { randomBytes, randomUUID } from 'node:crypto';
import { parse as parseQuery } from 'node:querystring';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startOnboardingBody } from '../../src/api/schemas';
import { onboardingWorkflowId } from '../../src/contract/ids';
import { DEFAULT_TIMING, onboardingInput } from '../../src/contract/onboarding-input';
import { captureLogs, type CapturedLogs } from '../fixtures/captured-logs';
import {
  API_TOKEN,
  exchange,
  fcSeed,
  type HeaderList,
  type HostileApp,
  type HostileTemporal,
  type RawAnswer,
  type RawRequest,
  startHostileApp,
  startHostileTemporal,
} from '../helpers/hostile';

const SEED = fcSeed(0xa91);
const RUNS = 250;
const BODY_LIMIT = 64 * 1024;
const AUTH: [string, string] = ['Authorization', `Bearer ${API_TOKEN}`];
const JSON_TYPE: [string, string] = ['Content-Type', 'application/json'];

/** Strings shaped like attacks on what might sit behind a field: SQL, Temporal visibility, etc. */
const INJECTIONS = [
  "' OR 1=1 --",
  "' OR '1'='1",
  '"; DROP TABLE onboardings; --',
  "Robert'); DROP TABLE students;--",
  "x' OR WorkflowType = 'onboarding",
  "WorkflowId = 'a' OR ExecutionStatus = 'Running'",
  '${7*7}',
  '${process.exit(1)}',
  '{{7*7}}',
  '../../../etc/passwd',
  '..\\..\\windows\\win.ini',
  'a\u0000b',
  '\u0000',
  'line\r\nX-Injected: 1',
  '\r\n\r\nHTTP/1.1 200 OK',
  '\u202Egnp.exe',
  '\u202Dabc\u202C',
  '\uFEFF',
  '<script>alert(1)</script>',
  '{"$gt": ""}',
  '__proto__',
  '\uD800',
  'x'.repeat(10_000),
];
/** Values of the wrong type for any field. */
const NOT_SCALARS: unknown[] = [true, null, [], ['x'], {}, { $ne: null }];
const WRONG_TYPES: unknown[] = [0, -1, 1.5, 1e308, ...NOT_SCALARS];

/** encodeURIComponent, with lone surrogates (which it cannot encode) as U+FFFD. */
function encode(value: string): string {
  return encodeURIComponent(
    value.replace(
      /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g,
      '\uFFFD',
    ),
  );
}

const run = randomUUID().slice(0, 8);
let signups = 0;
function freshSignupId(): string {
  signups += 1;
  return `hostile-${run}-${signups}`;
}

const address = () => ({
  line1: '1 Main Street',
  line2: 'Apt 2',
  city: 'Newark',
  state: 'NJ',
  postalCode: '07102',
});

/** A start request with every optional section and field present, so every field can be mutated. */
function validBody(signupId = freshSignupId()): Record<string, unknown> {
  return {
    signupId,
    applicant: {
      firstName: 'Jane',
      middleName: 'Q',
      lastName: 'Doe',
      email: 'jane.doe@example.com',
      phoneNumber: '2015550123',
      address: { ...address(), country: 'US' },
      dateOfBirth: '1990-04-12',
      ssn: '123456789',
    },
    externalBankAccount: {
      accountNumber: '000123456789',
      routingNumber: '021000021',
      holderFirstName: 'Jane',
      holderLastName: 'Doe',
    },
    payoutDestinations: {
      checkByMail: {
        beneficiary: {
          account: '3000000038',
          firstName: 'Alex',
          lastName: 'Rivera',
          address: address(),
          phone: '2015550199',
        },
        recipient: {
          nameLine1: 'Payments Department',
          nameLine2: 'Floor 2',
          address: address(),
          phone: '2015550188',
        },
      },
      billPay: { account: '1234567890', payeeId: 'P-12', billerName: 'Metro Power', amount: 12.5 },
    },
    timing: { ...DEFAULT_TIMING },
  };
}

/** Every field of the body, sections and leaves, as dotted paths. */
function paths(value: unknown, prefix = ''): string[] {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return [];
  return Object.entries(value).flatMap(([key, child]) => {
    const path = prefix ? `${prefix}.${key}` : key;
    return [path, ...paths(child, path)];
  });
}
const FIELDS = paths(validBody());

/**
 * Fields with a format (pattern, enum, number, duration): no injection-shaped string is one of
 * them. Free-text fields (names, address lines, payee accounts) may legitimately hold quotes and
 * the like: there an injection-shaped string is data, accepted and passed on verbatim.
 */
const FORMATTED = [
  'signupId',
  'applicant.email',
  'applicant.phoneNumber',
  'applicant.address.state',
  'applicant.address.postalCode',
  'applicant.address.country',
  'applicant.dateOfBirth',
  'applicant.ssn',
  'externalBankAccount.accountNumber',
  'externalBankAccount.routingNumber',
  'payoutDestinations.checkByMail.beneficiary.phone',
  'payoutDestinations.checkByMail.beneficiary.address.state',
  'payoutDestinations.checkByMail.beneficiary.address.postalCode',
  'payoutDestinations.checkByMail.recipient.phone',
  'payoutDestinations.checkByMail.recipient.address.state',
  'payoutDestinations.checkByMail.recipient.address.postalCode',
  'payoutDestinations.billPay.amount',
  ...FIELDS.filter((field) => field.startsWith('timing.')),
];

function getPath(target: unknown, path: string): unknown {
  return path
    .split('.')
    .reduce<unknown>((node, key) => (node as Record<string, unknown> | undefined)?.[key], target);
}

function setPath(target: Record<string, unknown>, path: string, value: unknown): void {
  const keys = path.split('.');
  const parent = getPath(target, keys.slice(0, -1).join('.')) as Record<string, unknown>;
  (keys.length === 1 ? target : parent)[keys[keys.length - 1]!] = value;
}

/** The API's section names, as the workflow input names them. */
function inputPath(path: string): string {
  return path
    .replace(/^externalBankAccount\b/, 'bankAccount')
    .replace(/^payoutDestinations\b/, 'payouts');
}

/** Is `field` the mutated path or inside it? */
function names(fields: string[], path: string): boolean {
  return fields.some((field) => field === path || field.startsWith(`${path}.`));
}

describe('hostile input to the onboarding API', () => {
  let temporal: HostileTemporal;
  let app: HostileApp;
  let logs: CapturedLogs;

  beforeAll(async () => {
    console.info(`fast-check seed ${SEED} (replay with FC_SEED=${SEED})`);
    temporal = await startHostileTemporal();
    logs = captureLogs('warn');
    app = await startHostileApp({
      client: temporal.client,
      logger: logs.logger,
      // High: hundreds of refusals are intended here; the throttle has tests of its own.
      rejectedRequestsPerMinute: 1_000_000,
    });
  });

  afterAll(async () => {
    await app?.close();
    await temporal?.stop();
  });

  const send = (request: RawRequest | Buffer) => exchange(app.port, request);

  function post(path: string, body: Buffer | undefined, headers: HeaderList = [AUTH, JSON_TYPE]) {
    return send({ method: 'POST', path, headers, body });
  }

  function postJson(path: string, value: unknown) {
    return post(path, Buffer.from(JSON.stringify(value)));
  }

  /** The answer is the refusal, naming `field` (or a field inside it), and nothing reached Temporal. */
  function expectRefused(answer: RawAnswer, status: number, code: string, field?: string) {
    expect(answer.error, 'connection error').toBeUndefined();
    expect({ status: answer.status, code: answer.json?.error?.code }, answer.text).toEqual({
      status,
      code,
    });
    if (field !== undefined) {
      const fields = answer.json?.error?.fields?.map((f) => f.field) ?? [];
      expect(names(fields, field), `${fields.join(', ')} should name ${field}`).toBe(true);
    }
    expect(temporal.recorder.calls).toEqual([]);
    expect(temporal.recorder.rpcs).toEqual([]);
  }

  async function refused(
    request: () => Promise<RawAnswer>,
    status: number,
    code: string,
    field?: string,
  ): Promise<RawAnswer> {
    temporal.recorder.reset();
    const answer = await request();
    expectRefused(answer, status, code, field);
    return answer;
  }

  /** A valid start right after: accepted (202), exactly one start recorded. */
  async function stillServes() {
    temporal.recorder.reset();
    const body = validBody();
    const answer = await postJson('/v1/onboardings', body);
    expect(answer.status, answer.text).toBe(202);
    expect(temporal.recorder.summary()).toEqual([
      {
        kind: 'start',
        workflowId: onboardingWorkflowId(body.signupId as string),
        name: 'onboarding',
      },
    ]);
  }

  it('starts a valid onboarding: 202 and exactly one start (the control)', async () => {
    await stillServes();
  });

  describe('authentication', () => {
    const routes: { method: string; path: string }[] = [
      { method: 'POST', path: '/v1/onboardings' },
      { method: 'GET', path: '/v1/onboardings' },
      { method: 'GET', path: '/v1/onboardings?status=in_progress' },
      { method: 'GET', path: '/v1/onboardings/signup-1' },
      { method: 'POST', path: '/v1/onboardings/signup-1/retry' },
      { method: 'POST', path: '/v1/onboardings/signup-1/resubmit-kyc' },
      { method: 'POST', path: '/v1/onboardings/signup-1/cancel' },
    ];
    const wrong: (HeaderList | [])[] = [
      [],
      [['Authorization', 'Bearer wrong-token']],
      [['Authorization', 'Bearer']],
      [['Authorization', 'Bearer ']],
      [['Authorization', API_TOKEN]],
      [['Authorization', `Basic ${Buffer.from(`user:${API_TOKEN}`).toString('base64')}`]],
      [['Authorization', `Token ${API_TOKEN}`]],
      [['Authorization', `Bearer ${API_TOKEN}x`]],
      [['Authorization', `Bearer ${API_TOKEN.slice(0, -1)}`]],
      [['Authorization', `Bearer ${API_TOKEN.toUpperCase()}`]],
      [['Authorization', `Bearer ${API_TOKEN} extra`]],
      [['Authorization', `Bearer ${API_TOKEN}\u00a0`]],
      [['Authorization', `Bearer ' OR 1=1 --`]],
      [['Authorization', `Bearer ${'x'.repeat(8_000)}`]],
      // Node keeps the first of two Authorization headers: a wrong one first is refused.
      [
        ['Authorization', 'Bearer wrong-token'],
        ['Authorization', `Bearer ${API_TOKEN}`],
      ],
      [['X-Authorization', `Bearer ${API_TOKEN}`]],
    ];

    it('refuses every route without the right bearer token: 401 unauthorized, before the body is read', async () => {
      for (const { method, path } of routes) {
        for (const auth of wrong) {
          const headers: HeaderList = [...auth, JSON_TYPE];
          // A malformed body too: authentication is decided first, so it is never parsed.
          const body = method === 'POST' ? Buffer.from('{"malformed":') : undefined;
          const answer = await refused(
            () => send({ method, path, headers, body }),
            401,
            'unauthorized',
          );
          expect(answer.headers['www-authenticate']).toBe('Bearer');
        }
      }
      await stillServes();
    });

    it('refuses random Authorization headers (fast-check): 401, nothing reaches Temporal', async () => {
      const printable = fc.string({
        unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)),
        maxLength: 200,
      });
      const header = fc.oneof(
        printable,
        printable.map((token) => `Bearer ${token}`),
        printable.map((token) => `Bearer ${API_TOKEN}${token}`),
      );
      await fc.assert(
        fc.asyncProperty(header, fc.constantFrom(...routes), async (value, { method, path }) => {
          // The few values that are the right token after all (trailing blanks, `bearer`).
          fc.pre(/^Bearer +(\S+) *$/i.exec(value.trim())?.[1] !== API_TOKEN);
          await refused(
            () => send({ method, path, headers: [['Authorization', value]] }),
            401,
            'unauthorized',
          );
        }),
        { seed: SEED, numRuns: RUNS },
      );
    });
  });

  describe('bodies of POST /v1/onboardings', () => {
    it('malformed JSON: 400 invalid_json', async () => {
      for (const text of [
        '{',
        '{"signupId":',
        '{"signupId":"a",}',
        "{'signupId':'a'}",
        '{"a":1}{"b":2}',
        '[1,2',
        'NaN',
        '"just a string"',
        'null',
        'tru',
        '\u0000',
        '{"a":"\u0000\u0001',
        '{"a":1} trailing',
      ]) {
        await refused(() => post('/v1/onboardings', Buffer.from(text)), 400, 'invalid_json');
      }
      const half = Buffer.from(JSON.stringify(validBody()));
      await refused(
        () => post('/v1/onboardings', half.subarray(0, half.length / 2)),
        400,
        'invalid_json',
      );
      await stillServes();
    });

    it('empty and non-object JSON: 400 validation_failed naming the body', async () => {
      await refused(() => post('/v1/onboardings', undefined), 400, 'validation_failed', '(body)');
      for (const text of ['[]', '[{"signupId":"a"}]']) {
        await refused(
          () => post('/v1/onboardings', Buffer.from(text)),
          400,
          'validation_failed',
          '(body)',
        );
      }
      await stillServes();
    });

    it('wrong content types: 415 unsupported_media_type, even for a valid JSON body', async () => {
      const body = Buffer.from(JSON.stringify(validBody()));
      for (const type of [
        'text/plain',
        'application/x-www-form-urlencoded',
        'multipart/form-data; boundary=x',
        'application/xml',
        'application/json-patch+json',
        'application/json; charset=latin1',
        'json',
        '',
      ]) {
        const headers: HeaderList = type ? [AUTH, ['Content-Type', type]] : [AUTH];
        await refused(() => post('/v1/onboardings', body, headers), 415, 'unsupported_media_type');
      }
      // Content-Type names JSON but the bytes are a form.
      await refused(
        () => post('/v1/onboardings', Buffer.from('signupId=a&applicant=b')),
        400,
        'invalid_json',
      );
      await stillServes();
    });

    it('oversized bodies: 413 body_too_large, with or without a length', async () => {
      const padded = (size: number) => {
        const body = validBody();
        (body.applicant as Record<string, unknown>).middleName = '';
        const bare = JSON.stringify(body).length;
        (body.applicant as Record<string, unknown>).middleName = 'x'.repeat(size - bare);
        const bytes = Buffer.from(JSON.stringify(body));
        expect(bytes.length).toBe(size);
        return bytes;
      };
      // The largest body taken is parsed (and refused for its field, not its size).
      await refused(
        () => post('/v1/onboardings', padded(BODY_LIMIT)),
        400,
        'validation_failed',
        'applicant.middleName',
      );
      await refused(() => post('/v1/onboardings', padded(BODY_LIMIT + 1)), 413, 'body_too_large');
      const big = Buffer.alloc(10 * 1024 * 1024, ' ');
      await refused(() => post('/v1/onboardings', big), 413, 'body_too_large');
      const chunked = Buffer.concat([
        Buffer.from(`${big.length.toString(16)}\r\n`),
        big,
        Buffer.from('\r\n0\r\n\r\n'),
      ]);
      await refused(
        () => post('/v1/onboardings', chunked, [AUTH, JSON_TYPE, ['Transfer-Encoding', 'chunked']]),
        413,
        'body_too_large',
      );
      await stillServes();
    });

    it('deep nesting (32k levels) and prototype pollution: refused, Object.prototype untouched', async () => {
      const DEPTH = 32_000;
      await refused(
        () => post('/v1/onboardings', Buffer.from('['.repeat(DEPTH) + ']'.repeat(DEPTH))),
        400,
        'validation_failed',
        '(body)',
      );
      const deepName = JSON.stringify(validBody()).replace(
        '"firstName":"Jane"',
        `"firstName":${'{"a":'.repeat(10_000)}1${'}'.repeat(10_000)}`,
      );
      await refused(
        () => post('/v1/onboardings', Buffer.from(deepName)),
        400,
        'validation_failed',
        'applicant.firstName',
      );
      for (const key of ['__proto__', 'constructor', 'prototype']) {
        const body = `{"${key}":{"polluted":true,"prototype":{"polluted":true}},${JSON.stringify(validBody()).slice(1)}`;
        await refused(
          () => post('/v1/onboardings', Buffer.from(body)),
          400,
          'validation_failed',
          key,
        );
      }
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
      await stillServes();
    });

    it('injection-shaped strings in every formatted field: 400 naming the field, nothing started', async () => {
      for (const field of FORMATTED) {
        for (const value of [...INJECTIONS, ...NOT_SCALARS]) {
          const body = validBody();
          setPath(body, field, value);
          await refused(() => postJson('/v1/onboardings', body), 400, 'validation_failed', field);
        }
      }
      await stillServes();
    });

    it('an injection-shaped name is data: started with it verbatim', async () => {
      temporal.recorder.reset();
      const body = validBody();
      setPath(body, 'applicant.lastName', "O'Brien'); DROP TABLE users;--");
      setPath(body, 'applicant.address.line1', "x' OR WorkflowType = 'onboarding");
      const answer = await postJson('/v1/onboardings', body);
      expect(answer.status).toBe(202);
      expect(temporal.recorder.calls).toHaveLength(1);
      const [request] = temporal.recorder.calls[0]!.args as Record<string, unknown>[];
      expect(getPath(request, 'applicant.lastName')).toBe("O'Brien'); DROP TABLE users;--");
      expect(getPath(request, 'applicant.address.line1')).toBe("x' OR WorkflowType = 'onboarding");
    });

    it('control and bidi-override characters in free text are refused, naming the field', async () => {
      for (const value of ['Ann\u0000', 'Ann\r\nX-Injected: 1', '\u202Enna', 'Ann\u0007']) {
        temporal.recorder.reset();
        const body = validBody();
        setPath(body, 'applicant.firstName', value);
        await refused(
          () => postJson('/v1/onboardings', body),
          400,
          'validation_failed',
          'applicant.firstName',
        );
        expect(temporal.recorder.calls).toEqual([]);
      }
    });

    it('one field of a valid request mutated (fast-check): refused naming it, or started with it verbatim', async () => {
      const hostile = fc.oneof(
        { weight: 3, arbitrary: fc.constantFrom(...INJECTIONS) },
        { weight: 2, arbitrary: fc.constantFrom(...WRONG_TYPES) },
        { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 300 }) },
        { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
        { weight: 1, arbitrary: fc.constant(undefined) },
      );
      let started = 0;
      let refusals = 0;
      await fc.assert(
        fc.asyncProperty(fc.constantFrom(...FIELDS), hostile, async (field, value) => {
          const body = validBody();
          setPath(body, field, value);
          // What the API documents (docs/API.md): the body's schema, then the workflow input's
          // (the timing as a whole must be consistent), are checked before anything starts.
          const api = startOnboardingBody.safeParse(body);
          const input = api.success
            ? onboardingInput.safeParse({
                ...api.data,
                bankAccount: api.data.externalBankAccount,
                payouts: api.data.payoutDestinations,
                externalBankAccount: undefined,
                payoutDestinations: undefined,
                timing: { ...api.data.timing },
              })
            : undefined;
          temporal.recorder.reset();
          const answer = await postJson('/v1/onboardings', body);
          expect(answer.status, answer.text).toBeLessThan(500);
          if (!api.success) {
            refusals += 1;
            expectRefused(answer, 400, 'validation_failed', field);
          } else if (!input!.success) {
            // A valid duration that makes the timing inconsistent: the field it conflicts with.
            refusals += 1;
            expectRefused(answer, 400, 'validation_failed', 'timing');
          } else {
            started += 1;
            expect(FORMATTED.includes(field) && INJECTIONS.includes(value as string)).toBe(false);
            // 200 only if a mutated signupId happens to name an onboarding started earlier.
            expect(answer.status, answer.text).toBe(field === 'signupId' ? answer.status : 202);
            expect([200, 202]).toContain(answer.status);
            const workflowId = onboardingWorkflowId(api.data.signupId);
            expect(temporal.recorder.summary()[0]).toEqual({
              kind: 'start',
              workflowId,
              name: 'onboarding',
            });
            expect(temporal.recorder.calls.every((call) => call.workflowId === workflowId)).toBe(
              true,
            );
            // Passed on as parsed (text trimmed, durations in ms), never interpreted or escaped;
            // a request without timing gets the (empty) deployment timing.
            const [request] = temporal.recorder.calls[0]!.args;
            const expected = field === 'timing' ? { ...api.data.timing } : getPath(api.data, field);
            expect(getPath(request, inputPath(field))).toEqual(expected);
          }
        }),
        { seed: SEED, numRuns: RUNS },
      );
      // Both outcomes were exercised.
      expect(refusals).toBeGreaterThan(RUNS / 4);
      expect(started).toBeGreaterThan(0);
      await stillServes();
    });
  });

  describe('the signupId path parameter', () => {
    const suffixes = ['', '/retry', '/resubmit-kyc', '/cancel'];
    const methodOf = (suffix: string) => (suffix ? 'POST' : 'GET');
    const bodyOf = (suffix: string) => (suffix ? Buffer.from('{}') : undefined);

    it('injection-shaped ids (percent-encoded) on every route: 400 naming signupId', async () => {
      for (const suffix of suffixes) {
        for (const value of [...INJECTIONS, ' ', '-leading-dash', 'x'.repeat(101), '.', '..']) {
          const path = `/v1/onboardings/${encode(value)}${suffix}`;
          await refused(
            () =>
              send({
                method: methodOf(suffix),
                path,
                headers: [AUTH, JSON_TYPE],
                body: bodyOf(suffix),
              }),
            400,
            'validation_failed',
            'signupId',
          );
        }
      }
      await stillServes();
    });

    it('raw traversal, bad percent-encoding, an over-long path: 404, 400 invalid_path, 431', async () => {
      for (const path of [
        '/v1/onboardings/../../etc/passwd',
        '/v1/onboardings/a/b/c',
        '/v1/onboardings/a%2Fb/../x',
      ]) {
        await refused(() => send({ method: 'GET', path, headers: [AUTH] }), 404, 'not_found');
      }
      for (const suffix of suffixes) {
        await refused(
          () =>
            send({
              method: methodOf(suffix),
              path: `/v1/onboardings/%E0%A4%A${suffix}`,
              headers: [AUTH, JSON_TYPE],
              body: bodyOf(suffix),
            }),
          400,
          'invalid_path',
          '(path)',
        );
      }
      await refused(
        () =>
          send({ method: 'GET', path: `/v1/onboardings/${'a'.repeat(20_000)}`, headers: [AUTH] }),
        431,
        'headers_too_large',
      );
      await stillServes();
    });

    it('hostile bodies of retry, resubmit-kyc and cancel: 400 naming the field, before Temporal', async () => {
      const path = (suffix: string) => `/v1/onboardings/signup-${run}${suffix}`;
      for (const value of [...INJECTIONS, ...WRONG_TYPES]) {
        await refused(
          () => postJson(path('/retry'), { step: value }),
          400,
          'validation_failed',
          'step',
        );
        await refused(
          () => postJson(path('/resubmit-kyc'), { ssn: value, dateOfBirth: '1990-04-12' }),
          400,
          'validation_failed',
          'ssn',
        );
        await refused(
          () => postJson(path('/resubmit-kyc'), { ssn: '123456789', dateOfBirth: value }),
          400,
          'validation_failed',
          'dateOfBirth',
        );
        await refused(
          () => postJson(path('/cancel'), { reason: value }),
          400,
          'validation_failed',
          'reason',
        );
      }
      await refused(() => post(path('/retry'), Buffer.from('{')), 400, 'invalid_json');
      await stillServes();
    });

    it('random ids (fast-check): 400 naming signupId, or, when well-formed, 404 after one describe', async () => {
      const id = fc.oneof(
        fc.string({ unit: 'binary', minLength: 1, maxLength: 120 }),
        fc.constantFrom(...INJECTIONS),
        fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9._:-]{0,99}$/),
      );
      await fc.assert(
        fc.asyncProperty(id, async (value) => {
          const path = `/v1/onboardings/${encode(value)}`;
          temporal.recorder.reset();
          const answer = await send({ method: 'GET', path, headers: [AUTH] });
          if (/^[A-Za-z0-9][A-Za-z0-9._:-]{0,99}$/.test(value)) {
            expect(answer.status, answer.text).toBe(404);
            expect(answer.json?.error?.code).toBe('not_found');
            expect(temporal.recorder.calls.map((c) => c.workflowId)).toContain(
              onboardingWorkflowId(value),
            );
            expect(
              temporal.recorder.calls.every((c) => c.workflowId === onboardingWorkflowId(value)),
            ).toBe(true);
          } else {
            expectRefused(answer, 400, 'validation_failed', 'signupId');
          }
        }),
        { seed: SEED, numRuns: RUNS },
      );
    });
  });

  describe('the query of GET /v1/onboardings', () => {
    const list = (query: string) =>
      send({ method: 'GET', path: `/v1/onboardings?${query}`, headers: [AUTH] });

    it('answers a valid listing with exactly one ListWorkflowExecutions (the control)', async () => {
      temporal.recorder.reset();
      const answer = await list('status=in_progress&pageSize=5');
      expect(answer.status, answer.text).toBe(200);
      expect(temporal.recorder.rpcs.map((rpc) => rpc.split('/').pop())).toEqual([
        'ListWorkflowExecutions',
      ]);
    });

    it('hostile status, pageSize, pageToken and unknown parameters: 400 naming each, no RPC', async () => {
      const cases: [string, string][] = [];
      for (const value of INJECTIONS) {
        const q = encode(value);
        cases.push(
          [`status=${q}`, 'status'],
          [`pageSize=${q}`, 'pageSize'],
          [`pageToken=${q}`, 'pageToken'],
        );
      }
      cases.push(
        ['status=in_progress&status=completed', 'status'],
        ['status[]=in_progress', 'status[]'],
        ['status[$ne]=x', 'status[$ne]'],
        ['pageSize=0', 'pageSize'],
        ['pageSize=101', 'pageSize'],
        ['pageSize=-1', 'pageSize'],
        ['pageSize=1.5', 'pageSize'],
        ['pageSize=1e9', 'pageSize'],
        ['pageSize=Infinity', 'pageSize'],
        ['pageSize=abc', 'pageSize'],
        ['pageSize=5&pageSize=6', 'pageSize'],
        ['pageToken=', 'pageToken'],
        [`pageToken=${'A'.repeat(4097)}`, 'pageToken'],
        // Well-formed, but not one this API signed: refused before Temporal sees it.
        [`pageToken=${randomBytes(64).toString('base64url')}`, 'pageToken'],
        ['limit=10', 'limit'],
        ['offset=10', 'offset'],
        ['query=WorkflowType%3D%27x%27', 'query'],
        ['__proto__=x', '__proto__'],
        ['constructor=x', 'constructor'],
        [`${encode("' OR 1=1 --")}=1`, "' OR 1=1 --"],
      );
      for (const [query, field] of cases) {
        await refused(() => list(query), 400, 'validation_failed', field);
      }
      await stillServes();
    });

    it('random query strings (fast-check): 400 naming a parameter unless the query is valid', async () => {
      const name = fc.oneof(
        fc.constantFrom('status', 'pageSize', 'pageToken', 'limit', 'status[]', '__proto__'),
        fc.string({ maxLength: 12 }),
      );
      const value = fc.oneof(
        fc.constantFrom(
          ...INJECTIONS.filter((v) => v.length < 1000),
          'in_progress',
          'completed',
          '5',
          '100',
        ),
        fc.string({ unit: 'binary', maxLength: 50 }),
      );
      const query = fc.array(fc.tuple(name, value), { minLength: 1, maxLength: 4 });
      await fc.assert(
        fc.asyncProperty(query, async (pairs) => {
          const text = pairs.map(([n, v]) => `${encode(n)}=${encode(v)}`).join('&');
          const parsed = parseQuery(text);
          const known = new Set(['status', 'pageSize', 'pageToken']);
          const statusOk =
            parsed.status === undefined ||
            ['in_progress', 'needs_attention', 'completed', 'kyc_failed', 'cancelled'].includes(
              parsed.status as string,
            );
          const size = parsed.pageSize === undefined ? 50 : Number(parsed.pageSize);
          const sizeOk =
            parsed.pageSize === undefined ||
            (typeof parsed.pageSize === 'string' &&
              Number.isInteger(size) &&
              size >= 1 &&
              size <= 100);
          const valid =
            Object.keys(parsed).every((key) => known.has(key)) &&
            statusOk &&
            sizeOk &&
            parsed.pageToken === undefined;
          temporal.recorder.reset();
          const answer = await list(text);
          if (valid) {
            expect(answer.status, answer.text).toBe(200);
            expect(temporal.recorder.rpcs).toHaveLength(1);
          } else {
            expect(answer.status, answer.text).toBe(400);
            expect(answer.json?.error?.code).toBe('validation_failed');
            const fields = answer.json?.error?.fields?.map((f) => f.field) ?? [];
            expect(fields.length).toBeGreaterThan(0);
            expect(fields.every((f) => Object.keys(parsed).includes(f))).toBe(true);
            expect(temporal.recorder.rpcs).toEqual([]);
          }
        }),
        { seed: SEED, numRuns: RUNS },
      );
    });
  });

  it('never answered 5xx and logged no error', () => {
    const errors = logs.entries().filter((entry) => entry.level >= 50);
    expect(errors).toEqual([]);
    // Request headers are logged from an allow-list: no Authorization, X-Authorization, Cookie.
    const logged = logs
      .entries()
      .map((entry) => (entry.req as { headers?: Record<string, unknown> } | undefined)?.headers)
      .filter((headers) => headers !== undefined);
    expect(logged.length).toBeGreaterThan(100);
    const names = new Set(logged.flatMap((headers) => Object.keys(headers)));
    expect([...names].filter((name) => /auth|cookie/i.test(name))).toEqual([]);
    expect(logs.text()).not.toContain(API_TOKEN);
  });
});
