import { temporal } from '@temporalio/proto';

/**
 * What one onboarding costs in Temporal terms, counted from its histories (the onboarding's and its
 * KYC review's): history events, and billable actions as Temporal Cloud counts them
 * (https://docs.temporal.io/cloud/actions). Pure: it reads history JSON (`historyToJSON`, as
 * `temporal workflow show --output json` and test/onboarding/histories hold it) and nothing else.
 *
 * How each action is found in a history:
 * - workflow started: `WorkflowExecutionStarted` (client start, child start, continue-as-new);
 * - child workflow: the parent's `StartChildWorkflowExecutionInitiated` ("Start Child Workflow";
 *   the child's own `WorkflowExecutionStarted` is the "Child Workflow Execution": two in all);
 * - activity started or retried: one per `ActivityTaskScheduled`, plus the retries its
 *   `ActivityTaskStarted` reports (`attempt` - 1; a history keeps only the last attempt's start);
 * - timer started: `TimerStarted` (also the implicit timers of `condition(fn, timeout)`);
 * - search attribute upsert: `UpsertWorkflowSearchAttributes`, one per command however many keys,
 *   except one that sets only `TemporalChangeVersion` (exempt);
 * - signal: one per signal, counted where it is received (`WorkflowExecutionSignaled`), so a
 *   signal between two of the histories counted is not counted twice; a workflow's
 *   `SignalExternalWorkflowExecutionInitiated` to a workflow outside them counts at the sender;
 * - update: `WorkflowExecutionUpdateAccepted` (rejected updates leave no event: not counted);
 * - markers (side effects, local activities, patches): all `MarkerRecorded` of one workflow task
 *   count as one;
 * - `WorkflowExecutionOptionsUpdated`: one each.
 * Not in a history and so not counted: queries (each `GET /v1/onboardings/:id` is one), activity
 * heartbeats (the Ingo activities send none), rejected updates.
 */

export type ActionCategory =
  | 'workflowStarted'
  | 'childWorkflowStarted'
  | 'activities'
  | 'timers'
  | 'searchAttributeUpserts'
  | 'signals'
  | 'updates'
  | 'markers'
  | 'optionsUpdated';

export const ACTION_CATEGORIES: readonly ActionCategory[] = [
  'workflowStarted',
  'childWorkflowStarted',
  'activities',
  'timers',
  'searchAttributeUpserts',
  'signals',
  'updates',
  'markers',
  'optionsUpdated',
];

/** A history as JSON: `{ events: [...] }`, event types as `EVENT_TYPE_TIMER_STARTED` or `TimerStarted`. */
export interface HistoryJson {
  events: HistoryEventJson[];
}

export interface HistoryEventJson {
  eventId?: string | number;
  eventType?: string | number;
  [attributes: string]: unknown;
}

/** One workflow's history, named by its workflow id (signals are matched to their receivers by it). */
export interface LabelledHistory {
  workflowId: string;
  history: HistoryJson;
}

export interface CostCount {
  events: number;
  actions: number;
  byCategory: Record<ActionCategory, number>;
  /** Events by type (`TIMER_STARTED`, ...), for the report's breakdown. */
  eventsByType: Record<string, number>;
}

/** `EVENT_TYPE_TIMER_STARTED`, `TimerStarted`, `TIMER_STARTED` and 17 all as `TIMER_STARTED`. */
export function normaliseEventType(type: unknown): string {
  if (typeof type === 'number') type = temporal.api.enums.v1.EventType[type];
  if (typeof type !== 'string') return `UNKNOWN_${String(type)}`;
  const stripped = type.replace(/^EVENT_TYPE_/, '');
  if (stripped.includes('_') || stripped === stripped.toUpperCase()) return stripped.toUpperCase();
  return stripped.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toUpperCase();
}

function attributes(event: HistoryEventJson, name: string): Record<string, unknown> {
  const value = event[name];
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {};
}

function emptyCategories(): Record<ActionCategory, number> {
  return Object.fromEntries(ACTION_CATEGORIES.map((category) => [category, 0])) as Record<
    ActionCategory,
    number
  >;
}

const EXEMPT_SEARCH_ATTRIBUTES = new Set(['TemporalChangeVersion']);

function upsertedKeys(event: HistoryEventJson): string[] {
  const searchAttributes = attributes(event, 'upsertWorkflowSearchAttributesEventAttributes')
    .searchAttributes as { indexedFields?: Record<string, unknown> } | undefined;
  return Object.keys(searchAttributes?.indexedFields ?? {});
}

/** Events and actions of the given histories together (e.g. an onboarding and its KYC review). */
export function countCost(histories: readonly LabelledHistory[]): CostCount {
  const counted = new Set(histories.map(({ workflowId }) => workflowId));
  const byCategory = emptyCategories();
  const eventsByType: Record<string, number> = {};
  let events = 0;
  for (const { history } of histories) {
    const markerTasks = new Set<string>();
    for (const event of history.events) {
      events += 1;
      const type = normaliseEventType(event.eventType);
      eventsByType[type] = (eventsByType[type] ?? 0) + 1;
      switch (type) {
        case 'WORKFLOW_EXECUTION_STARTED':
          byCategory.workflowStarted += 1;
          break;
        case 'START_CHILD_WORKFLOW_EXECUTION_INITIATED':
          byCategory.childWorkflowStarted += 1;
          break;
        case 'ACTIVITY_TASK_SCHEDULED':
          byCategory.activities += 1;
          break;
        case 'ACTIVITY_TASK_STARTED': {
          const attempt = Number(attributes(event, 'activityTaskStartedEventAttributes').attempt);
          if (Number.isFinite(attempt) && attempt > 1) byCategory.activities += attempt - 1;
          break;
        }
        case 'TIMER_STARTED':
          byCategory.timers += 1;
          break;
        case 'UPSERT_WORKFLOW_SEARCH_ATTRIBUTES': {
          const keys = upsertedKeys(event);
          if (keys.length === 0 || keys.some((key) => !EXEMPT_SEARCH_ATTRIBUTES.has(key))) {
            byCategory.searchAttributeUpserts += 1;
          }
          break;
        }
        case 'WORKFLOW_EXECUTION_SIGNALED':
          byCategory.signals += 1;
          break;
        case 'SIGNAL_EXTERNAL_WORKFLOW_EXECUTION_INITIATED': {
          const target = attributes(
            event,
            'signalExternalWorkflowExecutionInitiatedEventAttributes',
          ).workflowExecution as { workflowId?: string } | undefined;
          if (target?.workflowId === undefined || !counted.has(target.workflowId)) {
            byCategory.signals += 1;
          }
          break;
        }
        case 'WORKFLOW_EXECUTION_UPDATE_ACCEPTED':
          byCategory.updates += 1;
          break;
        case 'MARKER_RECORDED': {
          const task = attributes(
            event,
            'markerRecordedEventAttributes',
          ).workflowTaskCompletedEventId;
          const key =
            typeof task === 'string' || typeof task === 'number'
              ? String(task)
              : `event-${String(event.eventId)}`;
          if (!markerTasks.has(key)) {
            markerTasks.add(key);
            byCategory.markers += 1;
          }
          break;
        }
        case 'WORKFLOW_EXECUTION_OPTIONS_UPDATED':
          byCategory.optionsUpdated += 1;
          break;
        default:
          break;
      }
    }
  }
  const actions = ACTION_CATEGORIES.reduce((sum, category) => sum + byCategory[category], 0);
  return { events, actions, byCategory, eventsByType };
}
