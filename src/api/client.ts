import type { z } from 'zod';
import { describeIssues, fieldIssues } from '../validation';
import {
  OnboardingApiError,
  OnboardingApiResponseError,
  OnboardingApiUnreachableError,
} from './client-errors';
import {
  cancelAccepted,
  errorBody,
  onboardingPage,
  onboardingView,
  resubmitAccepted,
  retryAccepted,
  startedOnboarding,
  type ApiStatus,
  type CancelAcceptedBody,
  type OnboardingPage,
  type OnboardingView,
  type ResubmitAcceptedBody,
  type ResubmitKycBody,
  type RetryAcceptedBody,
  type RetryBody,
  type StartedOnboarding,
  type StartOnboardingBody,
} from './schemas';

export interface OnboardingApiClientOptions {
  /** Where the API is, e.g. `http://127.0.0.1:3000` (no `/v1`). */
  baseUrl: string;
  token: string;
  /** Defaults to the global fetch. */
  fetch?: typeof fetch;
  /** Per request, answer included; default 30 s. */
  timeoutMs?: number;
}

export interface StartResult extends StartedOnboarding {
  /** True for 202 (a new onboarding, or a new run after a cancelled one), false for 200. */
  created: boolean;
}

export interface ListOptions {
  status?: ApiStatus;
  pageSize?: number;
  pageToken?: string;
}

const DEFAULT_TIMEOUT_MS = 30_000;

/** What fetch's "fetch failed" hides: ECONNREFUSED, ENOTFOUND, "bad port"… */
function networkReason(error: unknown): string | undefined {
  const cause = error instanceof Error ? error.cause : undefined;
  if (!(cause instanceof Error)) return undefined;
  const code = (cause as { code?: unknown }).code;
  return typeof code === 'string' ? code : cause.message;
}

function retryAfterSeconds(response: Response): number | undefined {
  const value = Number(response.headers.get('retry-after') ?? Number.NaN);
  return Number.isFinite(value) && value >= 0 ? value : undefined;
}

/**
 * The onboarding API from TypeScript (product backends, the operator CLI). Every answer is
 * validated with the API's own schemas; an error answer is an OnboardingApiError, no answer an
 * OnboardingApiUnreachableError, an answer of the wrong shape an OnboardingApiResponseError.
 */
export class OnboardingApiClient {
  private readonly baseUrl: string;
  private readonly token: string;
  private readonly fetch: typeof fetch;
  private readonly timeoutMs: number;

  constructor(options: OnboardingApiClientOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.token = options.token;
    this.fetch = options.fetch ?? globalThis.fetch;
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  }

  /** Starts the signup's onboarding, or returns the one it already has (never a second one). */
  async start(request: StartOnboardingBody): Promise<StartResult> {
    const { status, body } = await this.send('POST', '/v1/onboardings', startedOnboarding, request);
    return { ...body, created: status === 202 };
  }

  async get(signupId: string): Promise<OnboardingView> {
    return (await this.send('GET', this.onboardingPath(signupId), onboardingView)).body;
  }

  async list(options: ListOptions = {}): Promise<OnboardingPage> {
    const query = new URLSearchParams();
    if (options.status !== undefined) query.set('status', options.status);
    if (options.pageSize !== undefined) query.set('pageSize', String(options.pageSize));
    if (options.pageToken !== undefined) query.set('pageToken', options.pageToken);
    const search = query.size > 0 ? `?${query.toString()}` : '';
    return (await this.send('GET', `/v1/onboardings${search}`, onboardingPage)).body;
  }

  /** Re-runs the parked step; with `step`, only if that is the step that is parked. */
  async retry(signupId: string, request: RetryBody = {}): Promise<RetryAcceptedBody> {
    const path = `${this.onboardingPath(signupId)}/retry`;
    return (await this.send('POST', path, retryAccepted, request)).body;
  }

  async resubmitKyc(signupId: string, data: ResubmitKycBody): Promise<ResubmitAcceptedBody> {
    const path = `${this.onboardingPath(signupId)}/resubmit-kyc`;
    return (await this.send('POST', path, resubmitAccepted, data)).body;
  }

  /** Requests cancellation; the onboarding reports `cancelled` once the workflow has stopped. */
  async cancel(signupId: string): Promise<CancelAcceptedBody> {
    const path = `${this.onboardingPath(signupId)}/cancel`;
    return (await this.send('POST', path, cancelAccepted)).body;
  }

  private onboardingPath(signupId: string): string {
    return `/v1/onboardings/${encodeURIComponent(signupId)}`;
  }

  private unreachable(error: unknown): OnboardingApiUnreachableError {
    if (error instanceof Error && error.name === 'TimeoutError') {
      return new OnboardingApiUnreachableError(
        'timeout',
        `the onboarding API at ${this.baseUrl} did not answer within ${this.timeoutMs} ms`,
        { cause: error },
      );
    }
    const reason = networkReason(error);
    return new OnboardingApiUnreachableError(
      'network',
      `cannot reach the onboarding API at ${this.baseUrl}${reason ? ` (${reason})` : ''}`,
      { cause: error },
    );
  }

  private async send<S extends z.ZodType>(
    method: 'GET' | 'POST',
    path: string,
    schema: S,
    body?: unknown,
  ): Promise<{ status: number; body: z.output<S> }> {
    let response: Response;
    let text: string;
    try {
      response = await this.fetch(`${this.baseUrl}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${this.token}`,
          accept: 'application/json',
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
        // A redirect would carry the token somewhere else.
        redirect: 'error',
        signal: AbortSignal.timeout(this.timeoutMs),
      });
      text = await response.text();
    } catch (error) {
      throw this.unreachable(error);
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      throw new OnboardingApiResponseError(
        response.status,
        `${method} ${path} was answered ${response.status} with a body that is not JSON`,
      );
    }
    if (!response.ok) {
      const parsed = errorBody.safeParse(json);
      if (!parsed.success) {
        throw new OnboardingApiResponseError(
          response.status,
          `${method} ${path} was answered ${response.status} without the API's error shape`,
        );
      }
      const { code, message, fields } = parsed.data.error;
      throw new OnboardingApiError(
        response.status,
        code,
        message,
        fields,
        retryAfterSeconds(response),
      );
    }
    const parsed = schema.safeParse(json);
    if (!parsed.success) {
      throw new OnboardingApiResponseError(
        response.status,
        `unexpected answer to ${method} ${path}: ${describeIssues(fieldIssues(parsed.error))}`,
      );
    }
    return { status: response.status, body: parsed.data };
  }
}
