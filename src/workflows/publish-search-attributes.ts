import { upsertSearchAttributes, workflowInfo } from '@temporalio/workflow';
import type { KycStatusKey } from '../contract/search-attributes';

export interface KeywordAttribute {
  /** Every attribute of ours is a keyword. */
  key: typeof KycStatusKey;
  value: string;
}

/**
 * What publishes a workflow's search attributes: only those whose value differs from what the
 * execution already has (set at its start or by an earlier upsert). Every upsert is a history
 * event and a billed action, and a review that polls for a week would otherwise re-upsert an
 * unchanged `KycStatus` each time. Histories from before (`changedOnly` false: the
 * `LIGHTER_WORKFLOWS` patch) upserted every attribute each time, and replay that way.
 */
export function searchAttributePublisher(
  changedOnly: boolean,
): (attributes: KeywordAttribute[]) => void {
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
