import { upsertSearchAttributes, workflowInfo } from '@temporalio/workflow';
import type { KycStatusKey } from '../contract/search-attributes';

export interface KeywordAttribute {
  /** Every attribute of ours is a keyword. */
  key: typeof KycStatusKey;
  value: string;
}

/**
 * Upserts only the attributes whose value differs from what the execution already has (set at its
 * start or by an earlier upsert). Every upsert is a history event and a billed action, and a
 * review that polls for a week would otherwise re-upsert an unchanged `KycStatus` each time.
 */
export function publishSearchAttributes(attributes: KeywordAttribute[]): void {
  const current = workflowInfo().typedSearchAttributes;
  const changed = attributes.filter(({ key, value }) => current.get(key) !== value);
  if (changed.length > 0) upsertSearchAttributes(changed);
}
