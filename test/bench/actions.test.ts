import { describe, expect, it } from 'vitest';
import {
  countCost,
  normaliseEventType,
  type HistoryEventJson,
  type LabelledHistory,
} from '../../bench/cost/actions';
import fixture from './fixtures/operator-retry-histories.json';

// An onboarding whose account issue failed three attempts and was retried by an operator, and its
// KYC review (webhook): real histories recorded by the harness, trimmed to what the count reads.
const [onboarding, review] = (fixture as unknown as { operatorRetry: LabelledHistory[] })
  .operatorRetry as [LabelledHistory, LabelledHistory];

function history(workflowId: string, events: HistoryEventJson[]): LabelledHistory {
  return {
    workflowId,
    history: { events: events.map((event, index) => ({ eventId: String(index + 1), ...event })) },
  };
}

describe('countCost', () => {
  it('counts a recorded onboarding and its KYC review as Temporal Cloud bills them', () => {
    const cost = countCost([onboarding, review]);
    expect(cost.events).toBe(60 + 36);
    expect(cost.byCategory).toEqual({
      workflowStarted: 2, // the onboarding, and the review's execution
      childWorkflowStarted: 1, // the review's start by the onboarding
      activities: 4 + 2 + 2, // scheduled in both histories, plus the 2 retries of the third attempt
      timers: 1, // the review's `condition` timeout, cancelled by the webhook
      searchAttributeUpserts: 9 + 3,
      signals: 3, // kycResult to the review, 2 kycStatusChanged to the onboarding: each once
      updates: 1, // the operator's retry
      markers: 0,
      optionsUpdated: 0,
    });
    expect(cost.actions).toBe(28);
    expect(cost.eventsByType.WORKFLOW_TASK_COMPLETED).toBe(16);
  });

  it('counts a signal to a workflow outside the histories at its sender', () => {
    // The review alone: its two kycStatusChanged signals go to an onboarding not counted here.
    expect(countCost([review]).byCategory.signals).toBe(1 + 2);
    expect(countCost([onboarding]).byCategory.signals).toBe(2);
  });

  it('reads every spelling of the event type', () => {
    expect(normaliseEventType('EVENT_TYPE_TIMER_STARTED')).toBe('TIMER_STARTED');
    expect(normaliseEventType('TimerStarted')).toBe('TIMER_STARTED');
    expect(normaliseEventType('TIMER_STARTED')).toBe('TIMER_STARTED');
    expect(normaliseEventType(17)).toBe('TIMER_STARTED');
    expect(normaliseEventType('UpsertWorkflowSearchAttributes')).toBe(
      'UPSERT_WORKFLOW_SEARCH_ATTRIBUTES',
    );
  });

  it('counts activity retries, markers per workflow task and exempt upserts by the rules', () => {
    const cost = countCost([
      history('wf', [
        { eventType: 'WorkflowExecutionStarted' },
        { eventType: 'ActivityTaskScheduled' },
        { eventType: 'ActivityTaskStarted', activityTaskStartedEventAttributes: { attempt: 4 } },
        { eventType: 'ActivityTaskScheduled' },
        { eventType: 'ActivityTaskTimedOut' }, // never started: its scheduling still counts
        // Two markers (e.g. local activities) of one workflow task are one action, a third of
        // another task a second one.
        {
          eventType: 'MarkerRecorded',
          markerRecordedEventAttributes: { workflowTaskCompletedEventId: '9' },
        },
        {
          eventType: 'MarkerRecorded',
          markerRecordedEventAttributes: { workflowTaskCompletedEventId: '9' },
        },
        {
          eventType: 'MarkerRecorded',
          markerRecordedEventAttributes: { workflowTaskCompletedEventId: '12' },
        },
        {
          eventType: 'UpsertWorkflowSearchAttributes',
          upsertWorkflowSearchAttributesEventAttributes: {
            searchAttributes: { indexedFields: { TemporalChangeVersion: {} } },
          },
        },
        {
          eventType: 'UpsertWorkflowSearchAttributes',
          upsertWorkflowSearchAttributesEventAttributes: {
            searchAttributes: { indexedFields: { TemporalChangeVersion: {}, KycStatus: {} } },
          },
        },
        { eventType: 'TimerStarted' },
        { eventType: 'TimerFired' },
        { eventType: 'WorkflowExecutionUpdateAccepted' },
        { eventType: 'WorkflowExecutionUpdateCompleted' },
        { eventType: 'WorkflowExecutionOptionsUpdated' },
        { eventType: 'WorkflowExecutionCompleted' },
      ]),
    ]);
    expect(cost.byCategory).toEqual({
      workflowStarted: 1,
      childWorkflowStarted: 0,
      activities: 1 + 3 + 1,
      timers: 1,
      searchAttributeUpserts: 1,
      signals: 0,
      updates: 1,
      markers: 2,
      optionsUpdated: 1,
    });
    expect(cost.actions).toBe(12);
    expect(cost.events).toBe(16);
  });

  it('counts nothing for no histories', () => {
    expect(countCost([])).toMatchObject({ events: 0, actions: 0 });
  });
});
