import {
  ApplicationFailure,
  WorkflowExecutionAlreadyStartedError,
  WorkflowNotFoundError,
  WorkflowUpdateFailedError,
  WorkflowUpdateRPCTimeoutOrCancelledError,
  type Client,
} from '@temporalio/client';
import { executionInfoFromRaw } from '@temporalio/client/lib/helpers';
import type { Logger } from 'pino';
import type { z } from 'zod';
import { temporalUnavailableReason } from '../temporal/transient-errors';
import {
  OnboardingRequestError,
  startOnboarding,
  type OnboardingHandle,
} from '../temporal/start-onboarding';
import type { FieldIssue } from '../validation';
import { INVALID_KYC_DATA, NOT_ALLOWED_NOW } from '../contract/failure-types';
import { onboardingWorkflowId } from '../contract/ids';
import {
  resubmitKycUpdate,
  retryUpdate,
  statusQuery,
  type ResubmitAccepted,
  type RetryAccepted,
  type RetryRequest,
} from '../contract/messages';
import type { KycData, OnboardingRequest, TimingRequest } from '../contract/onboarding-input';
import { OnboardingServiceError } from './onboarding-service-error';
import { fullView, listItemView, startedView, summaryView } from './onboarding-view';
import type {
  listQuery,
  OnboardingPage,
  OnboardingView,
  StartedOnboarding,
  startOnboardingBody,
} from './schemas';
import { PageTokens } from './page-token';
import { visibilityQuery } from './visibility-query';

export interface OnboardingServiceOptions {
  client: Client;
  taskQueue: string;
  /** Timing for onboardings whose request names none (configuration). */
  timing?: TimingRequest;
  /** Every call to Temporal ends by then: a missing server or worker never hangs a request. */
  rpcTimeoutMs: number;
  /** Signs the list's page tokens (see page-token.ts). */
  pageTokenSecret: string;
  logger: Logger;
}

export interface StartOutcome {
  /** False when the signup already had an onboarding, which is returned instead. */
  created: boolean;
  onboarding: StartedOnboarding;
}

/** The API's names for the optional sections, as the workflow input names them. */
function toOnboardingRequest(body: z.output<typeof startOnboardingBody>): OnboardingRequest {
  const { externalBankAccount, payoutDestinations, ...rest } = body;
  return { ...rest, bankAccount: externalBankAccount, payouts: payoutDestinations };
}

function isFieldIssues(value: unknown): value is FieldIssue[] {
  return (
    Array.isArray(value) &&
    value.every(
      (issue) =>
        typeof (issue as FieldIssue | undefined)?.field === 'string' &&
        typeof (issue as FieldIssue).message === 'string',
    )
  );
}

/**
 * The onboarding operations of the API (and through it the CLI) over a Temporal client: start,
 * look up, list, retry, resubmit KYC data, cancel. Each Temporal call is bounded by
 * `rpcTimeoutMs`; expected failures become an OnboardingServiceError, anything else is a bug and
 * propagates unchanged.
 */
export class OnboardingService {
  private readonly pageTokens: PageTokens;

  constructor(private readonly options: OnboardingServiceOptions) {
    this.pageTokens = new PageTokens(options.pageTokenSecret);
  }

  async start(body: z.output<typeof startOnboardingBody>): Promise<StartOutcome> {
    const { client, taskQueue, timing, logger } = this.options;
    const { signupId } = body;
    try {
      const handle = await this.bounded(() =>
        startOnboarding(client, toOnboardingRequest(body), { taskQueue, timing }),
      );
      logger.info({ signupId, workflowId: handle.workflowId }, 'onboarding started');
      return {
        created: true,
        onboarding: { signupId, workflowId: handle.workflowId, status: 'in_progress' },
      };
    } catch (error) {
      if (error instanceof OnboardingRequestError) {
        throw new OnboardingServiceError(
          'validation_failed',
          'invalid onboarding request',
          error.issues,
        );
      }
      if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw this.translate(error);
    }
    // Running, completed or ended kyc_failed: the same signup never starts a second onboarding.
    const described = await this.call(() => this.handle(signupId).describe(), signupId);
    return { created: false, onboarding: startedView(described) };
  }

  /** The workflow's own status when a worker answers its query in time, else the summary. */
  async get(signupId: string): Promise<OnboardingView> {
    const handle = this.handle(signupId);
    return this.call(async () => {
      const [described, state] = await Promise.allSettled([
        handle.describe(),
        handle.query(statusQuery),
      ]);
      if (described.status === 'rejected') throw described.reason;
      if (state.status === 'fulfilled') return fullView(described.value, state.value);
      this.options.logger.warn(
        { signupId, err: state.reason as unknown },
        'onboarding status query not answered: reporting the summary',
      );
      return summaryView(described.value);
    }, signupId);
  }

  /** One page of onboardings from Temporal visibility, which lags behind by a moment. */
  async list(query: z.output<typeof listQuery>): Promise<OnboardingPage> {
    const { client } = this.options;
    const { namespace, loadedDataConverter } = client.options;
    const { status, pageSize, pageToken } = query;
    const nextPageToken =
      pageToken === undefined ? undefined : this.pageTokens.decode(status, pageToken);
    if (pageToken !== undefined && nextPageToken === undefined) {
      throw new OnboardingServiceError('validation_failed', 'invalid page token', [
        { field: 'pageToken', message: 'is not a nextPageToken of a listing with this status' },
      ]);
    }
    const response = await this.call(() =>
      client.workflowService.listWorkflowExecutions({
        namespace,
        query: visibilityQuery(status),
        pageSize,
        nextPageToken,
      }),
    );
    const executions = await Promise.all(
      response.executions.map((raw) =>
        executionInfoFromRaw(raw, loadedDataConverter, raw, namespace),
      ),
    );
    const next = this.pageTokens.encode(status, response.nextPageToken);
    return { items: executions.map(listItemView), ...(next ? { nextPageToken: next } : {}) };
  }

  async retry(signupId: string, request: RetryRequest): Promise<RetryAccepted> {
    const accepted = await this.update(signupId, (handle) =>
      handle.executeUpdate(retryUpdate, { args: [request] }),
    );
    this.options.logger.info({ signupId, ...accepted }, 'onboarding retry accepted');
    return accepted;
  }

  async resubmitKyc(signupId: string, data: KycData): Promise<ResubmitAccepted> {
    const accepted = await this.update(signupId, (handle) =>
      handle.executeUpdate(resubmitKycUpdate, { args: [data] }),
    );
    this.options.logger.info({ signupId, ...accepted }, 'onboarding KYC data resubmitted');
    return accepted;
  }

  /** Requests Temporal's cancellation; the onboarding ends `cancelled` shortly after. */
  async cancel(signupId: string): Promise<void> {
    const handle = this.handle(signupId);
    await this.requireRunning(signupId, handle, 'already_closed');
    try {
      await this.bounded(() => handle.cancel());
    } catch (error) {
      if (error instanceof WorkflowNotFoundError) throw this.ended(signupId, 'already_closed');
      throw this.translate(error, signupId);
    }
    this.options.logger.info({ signupId }, 'onboarding cancellation requested');
  }

  private handle(signupId: string): OnboardingHandle {
    return this.options.client.workflow.getHandle(onboardingWorkflowId(signupId));
  }

  private bounded<T>(fn: () => Promise<T>): Promise<T> {
    const { client, rpcTimeoutMs } = this.options;
    return client.connection.withDeadline(Date.now() + rpcTimeoutMs, fn);
  }

  /** A bounded call whose expected failures are translated. */
  private async call<T>(fn: () => Promise<T>, signupId?: string): Promise<T> {
    try {
      return await this.bounded(fn);
    } catch (error) {
      throw this.translate(error, signupId);
    }
  }

  private translate(error: unknown, signupId?: string): unknown {
    if (error instanceof WorkflowNotFoundError) {
      return new OnboardingServiceError('not_found', `no onboarding for signup ${signupId}`);
    }
    if (temporalUnavailableReason(error) !== undefined) {
      return new OnboardingServiceError(
        'temporal_unavailable',
        `Temporal did not answer within ${this.options.rpcTimeoutMs} ms`,
      );
    }
    return error;
  }

  private ended(signupId: string, code: 'already_closed' | 'not_allowed_now') {
    return new OnboardingServiceError(code, `the onboarding of signup ${signupId} has ended`);
  }

  private async requireRunning(
    signupId: string,
    handle: OnboardingHandle,
    code: 'already_closed' | 'not_allowed_now',
  ): Promise<void> {
    const described = await this.call(() => handle.describe(), signupId);
    if (described.status.name !== 'RUNNING') {
      throw new OnboardingServiceError(
        code,
        `the onboarding of signup ${signupId} has ended (${startedView(described).status})`,
      );
    }
  }

  /**
   * Sends an update to a running onboarding. Temporal is asked first whether it runs, so a
   * timeout of the update itself means the workflow did not take it: no worker is polling.
   */
  private async update<T>(
    signupId: string,
    send: (handle: OnboardingHandle) => Promise<T>,
  ): Promise<T> {
    const handle = this.handle(signupId);
    await this.requireRunning(signupId, handle, 'not_allowed_now');
    try {
      return await this.bounded(() => send(handle));
    } catch (error) {
      if (error instanceof WorkflowUpdateFailedError) throw this.refusal(error);
      if (error instanceof WorkflowUpdateRPCTimeoutOrCancelledError) {
        throw new OnboardingServiceError(
          'onboarding_not_responding',
          `the onboarding did not take the request within ${this.options.rpcTimeoutMs} ms ` +
            `(is a worker polling task queue ${this.options.taskQueue}?). It may still be ` +
            'carried out when a worker picks it up: check the status before repeating it.',
        );
      }
      if (error instanceof WorkflowNotFoundError) throw this.ended(signupId, 'not_allowed_now');
      throw this.translate(error, signupId);
    }
  }

  /** The workflow's validator said no: its failure type says why. */
  private refusal(error: WorkflowUpdateFailedError): unknown {
    const cause = error.cause;
    if (!(cause instanceof ApplicationFailure)) return error;
    if (cause.type === NOT_ALLOWED_NOW) {
      return new OnboardingServiceError('not_allowed_now', cause.message);
    }
    if (cause.type === INVALID_KYC_DATA) {
      const issues = cause.details?.[0];
      return new OnboardingServiceError(
        'validation_failed',
        cause.message,
        isFieldIssues(issues) ? issues : undefined,
      );
    }
    return error;
  }
}
