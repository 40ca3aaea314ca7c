import { connectClient } from '../src/temporal/connection';
import { registerSearchAttributes } from '../src/temporal/search-attributes';

/**
 * `npm run register-search-attributes`: adds the onboarding search attributes to the namespace
 * the TEMPORAL_* variables name, once per namespace (a dev server started without them, or a
 * self-hosted cluster). Running it again changes nothing.
 */
async function main(): Promise<void> {
  const { connection, namespace, address } = await connectClient();
  try {
    const added = await registerSearchAttributes(connection, namespace);
    console.log(
      added.length > 0
        ? `Registered ${added.join(', ')} on namespace ${namespace} at ${address}`
        : `Search attributes already registered on namespace ${namespace} at ${address}`,
    );
  } finally {
    await connection.close();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
