import { Context } from '@temporalio/activity';
import type { Logger } from 'pino';
import type { IngoBankingClient, IngoPayClient } from '../ingo';

/** What every activity needs, handed in by the worker (or a test) rather than imported. */
export interface ActivityDependencies {
  banking: IngoBankingClient;
  pay: IngoPayClient;
  logger: Logger;
}

/** The running activity's cancellation (worker shutdown, workflow cancelled) and a bound logger. */
export function activityScope(logger: Logger): {
  signal: AbortSignal;
  log: Logger;
  /** 1 for the first attempt; more when Temporal retries it (an earlier one may have landed). */
  attempt: number;
} {
  const context = Context.current();
  const { activityType, attempt, workflowExecution } = context.info;
  return {
    signal: context.cancellationSignal,
    attempt,
    log: logger.child({ activityType, attempt, workflowId: workflowExecution?.workflowId }),
  };
}
