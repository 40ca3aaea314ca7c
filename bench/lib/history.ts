import { temporal } from '@temporalio/proto';

/**
 * What a workflow history is made of, counted from its events: how the baseline workflow is
 * checked against a real onboarding (same activities, child workflows, signals, search-attribute
 * upserts, workflow tasks), and the `events_per_onboarding` figure.
 */

type HistoryEvent = temporal.api.history.v1.IHistoryEvent;
const EventType = temporal.api.enums.v1.EventType;

export interface HistoryShape {
  events: number;
  /** Completed workflow tasks: the worker's round trips for this execution. */
  workflowTasks: number;
  /** Scheduled activities by type name. */
  activities: Record<string, number>;
  childWorkflows: number;
  /** Signals this execution received, by name. */
  signalsReceived: Record<string, number>;
  /** Signals this execution sent to other executions, by name. */
  signalsSent: Record<string, number>;
  searchAttributeUpserts: number;
  timers: number;
  /** Markers (local activity results, `patched()`, side effects). */
  markers: number;
  /** Workflow tasks that failed (e.g. a completion racing a signal, retried with the signal). */
  failedWorkflowTasks: number;
}

function increment(counts: Record<string, number>, key: string | null | undefined): void {
  const name = key ?? '(unnamed)';
  counts[name] = (counts[name] ?? 0) + 1;
}

export function historyShape(events: readonly HistoryEvent[]): HistoryShape {
  const shape: HistoryShape = {
    events: events.length,
    workflowTasks: 0,
    activities: {},
    childWorkflows: 0,
    signalsReceived: {},
    signalsSent: {},
    searchAttributeUpserts: 0,
    timers: 0,
    markers: 0,
    failedWorkflowTasks: 0,
  };
  for (const event of events) {
    switch (event.eventType) {
      case EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED:
        shape.workflowTasks += 1;
        break;
      case EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED:
        increment(shape.activities, event.activityTaskScheduledEventAttributes?.activityType?.name);
        break;
      case EventType.EVENT_TYPE_START_CHILD_WORKFLOW_EXECUTION_INITIATED:
        shape.childWorkflows += 1;
        break;
      case EventType.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED:
        increment(
          shape.signalsReceived,
          event.workflowExecutionSignaledEventAttributes?.signalName,
        );
        break;
      case EventType.EVENT_TYPE_SIGNAL_EXTERNAL_WORKFLOW_EXECUTION_INITIATED:
        increment(
          shape.signalsSent,
          event.signalExternalWorkflowExecutionInitiatedEventAttributes?.signalName,
        );
        break;
      case EventType.EVENT_TYPE_UPSERT_WORKFLOW_SEARCH_ATTRIBUTES:
        shape.searchAttributeUpserts += 1;
        break;
      case EventType.EVENT_TYPE_TIMER_STARTED:
        shape.timers += 1;
        break;
      case EventType.EVENT_TYPE_MARKER_RECORDED:
        shape.markers += 1;
        break;
      case EventType.EVENT_TYPE_WORKFLOW_TASK_FAILED:
        shape.failedWorkflowTasks += 1;
        break;
      default:
        break;
    }
  }
  return shape;
}

function addCounts(into: Record<string, number>, from: Record<string, number>): void {
  for (const [key, count] of Object.entries(from)) into[key] = (into[key] ?? 0) + count;
}

/** Several executions (an onboarding and its KYC review) as one. */
export function combineShapes(shapes: readonly HistoryShape[]): HistoryShape {
  const total = historyShape([]);
  for (const shape of shapes) {
    total.events += shape.events;
    total.workflowTasks += shape.workflowTasks;
    addCounts(total.activities, shape.activities);
    total.childWorkflows += shape.childWorkflows;
    addCounts(total.signalsReceived, shape.signalsReceived);
    addCounts(total.signalsSent, shape.signalsSent);
    total.searchAttributeUpserts += shape.searchAttributeUpserts;
    total.timers += shape.timers;
    total.markers += shape.markers;
    total.failedWorkflowTasks += shape.failedWorkflowTasks;
  }
  return total;
}

/**
 * The structure two workflows must share to be compared: which activities, child workflows and
 * signals (each way, by name), and how many upserts. Timers, markers and failed workflow tasks
 * depend on timing (a webhook arriving before or after the review waits for it) and are reported,
 * not compared.
 */
export function structuralDifferences(
  ours: HistoryShape,
  theirs: HistoryShape,
  /** Signals whose arrival is a race (e.g. one that comes after the workflow may have completed). */
  racingSignals: readonly string[] = [],
): string[] {
  const without = (counts: Record<string, number>) =>
    Object.fromEntries(Object.entries(counts).filter(([name]) => !racingSignals.includes(name)));
  const compared: [string, number | string, number | string][] = [
    ['activities', describeCounts(ours.activities), describeCounts(theirs.activities)],
    ['child workflows', ours.childWorkflows, theirs.childWorkflows],
    [
      'signals received',
      describeCounts(without(ours.signalsReceived)),
      describeCounts(without(theirs.signalsReceived)),
    ],
    ['signals sent', describeCounts(ours.signalsSent), describeCounts(theirs.signalsSent)],
    ['search attribute upserts', ours.searchAttributeUpserts, theirs.searchAttributeUpserts],
  ];
  return compared.filter(([, a, b]) => a !== b).map(([what, a, b]) => `${what}: ${a} vs ${b}`);
}

/** `checkKyc 1, ensureIngoUser 1`: by name, sorted, so equal counts read the same. */
export function describeCounts(counts: Record<string, number>): string {
  const entries = Object.entries(counts).sort(([a], [b]) => a.localeCompare(b));
  return entries.length === 0 ? 'none' : entries.map(([name, n]) => `${name} ${n}`).join(', ');
}
