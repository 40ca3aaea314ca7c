import { patched, upsertSearchAttributes, workflowInfo } from '@temporalio/workflow';
import type { KycStatusKey } from './search-attributes';

/** Histories from before it upserted every attribute each time; they replay that way. */
const UPSERT_CHANGED_ONLY = 'upsert-changed-search-attributes';

export interface KeywordAttribute {
  /** Every attribute of ours is a keyword. */
  key: typeof KycStatusKey;
  value: string;
}

/**
 * What publishes a workflow's search attributes: only those whose value differs from what the
 * execution already has (set at its start or by an earlier upsert). Every upsert is a history
 * event and a billed action, and a review that polls for a week would otherwise re-upsert an
 * unchanged `KycStatus` each time.
 *
 * Call it in the workflow's first activation, before anything is awaited: a patch first asked
 * after a local activity's result, within the same workflow task, is not seen again on replay
 * (a nondeterminism error, found by test/onboarding/end-to-end.test.ts).
 */
export function searchAttributePublisher(): (attributes: KeywordAttribute[]) => void {
  const changedOnly = patched(UPSERT_CHANGED_ONLY);
  return (attributes) => {
    if (!changedOnly) {
      upsertSearchAttributes(attributes);
      return;
    }
    const current = workflowInfo().typedSearchAttributes;
    const changed = attributes.filter(({ key, value }) => current.get(key) !== value);
    if (changed.length > 0) upsertSearchAttributes(changed);
  };
}
