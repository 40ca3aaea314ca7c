import { isGrpcServiceError, type Connection } from '@temporalio/client';
import { TypedSearchAttributes } from '@temporalio/common';
import { encodeSearchAttributeIndexedValueType } from '@temporalio/common/lib/search-attributes';
import { SEARCH_ATTRIBUTES } from '../contract/search-attributes';

/**
 * Registers the onboarding search attributes on a namespace through the operator API (dev server,
 * time-skipping test server, self-hosted clusters); running it again changes nothing. Temporal
 * Cloud refuses this API: there they are added with `tcld` or the Cloud UI. A dev server started by
 * `@temporalio/testing` can take them up front instead:
 * `createLocal({ server: { searchAttributes: [...SEARCH_ATTRIBUTES] } })`.
 */

/** gRPC status codes (@grpc/grpc-js is not a dependency of ours, only of the SDK's). */
const ALREADY_EXISTS = 6;
const UNIMPLEMENTED = 12;

function grpcStatus(error: unknown): number | undefined {
  return isGrpcServiceError(error) ? error.code : undefined;
}

/** The wire enum of a key's type (defined for every SearchAttributeType). */
function indexedValueType(key: (typeof SEARCH_ATTRIBUTES)[number]): number {
  return encodeSearchAttributeIndexedValueType(key.type)!;
}

/** The namespace's custom attributes and their types; undefined where they cannot be listed. */
async function listed(
  connection: Connection,
  namespace: string,
): Promise<Record<string, number> | undefined> {
  try {
    const { customAttributes } = await connection.operatorService.listSearchAttributes({
      namespace,
    });
    return customAttributes;
  } catch (error) {
    // The time-skipping test server can add search attributes but not list them.
    if (grpcStatus(error) === UNIMPLEMENTED) return undefined;
    throw error;
  }
}

/** Adds whichever are missing and returns their names; fails if one exists with another type. */
export async function registerSearchAttributes(
  connection: Connection,
  namespace: string,
): Promise<string[]> {
  const existing = (await listed(connection, namespace)) ?? {};
  const clashes = SEARCH_ATTRIBUTES.filter(
    (key) => key.name in existing && existing[key.name] !== indexedValueType(key),
  );
  if (clashes.length > 0) {
    throw new Error(
      `Search attributes on namespace ${namespace} exist with another type, which cannot be ` +
        `changed: ${clashes
          .map((key) => `${key.name} must be ${TypedSearchAttributes.toMetadataType(key.type)}`)
          .join(', ')}`,
    );
  }
  const added: string[] = [];
  // One at a time: when the list was unavailable, or another worker registered some meanwhile,
  // ALREADY_EXISTS for one key must not keep the others from being added.
  for (const key of SEARCH_ATTRIBUTES.filter(({ name }) => !(name in existing))) {
    try {
      await connection.operatorService.addSearchAttributes({
        namespace,
        searchAttributes: { [key.name]: indexedValueType(key) },
      });
      added.push(key.name);
    } catch (error) {
      if (grpcStatus(error) !== ALREADY_EXISTS) throw error;
    }
  }
  return added;
}
