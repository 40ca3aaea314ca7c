import path from 'node:path';
import { TypedSearchAttributes } from '@temporalio/common';
import type { Config } from '../config';
import { SEARCH_ATTRIBUTES } from '../workflows/search-attributes';

/**
 * The Temporal dev server as the local stack runs it: its state in `DATA_DIR/temporal.sqlite`
 * (onboardings survive a restart), the onboarding search attributes registered, and the Web UI
 * decoding payloads through the codec server. The dev server's UI can only be given an endpoint
 * URL, not a header, so the codec token travels in the endpoint's path (docs/PRIVACY.md): fine on
 * a developer's machine, where it is the local default token; never a production setup.
 */

const ANY_ADDRESS = new Set(['0.0.0.0', '::', '']);

/** The codec endpoint as a browser on this machine reaches it. */
export function uiCodecEndpoint(codec: Config['codec']): string {
  const host = ANY_ADDRESS.has(codec.host) ? '127.0.0.1' : codec.host;
  return `http://${host}:${codec.port}/codec/${encodeURIComponent(codec.token)}`;
}

/** `temporal server start-dev` arguments listening on `address` (`host:port`; UI on port+1000). */
export function devServerArgs(settings: Config, address: string): string[] {
  const separator = address.lastIndexOf(':');
  const ip = address.slice(0, separator).replace(/^\[|\]$/g, '');
  const port = address.slice(separator + 1);
  return [
    'server',
    'start-dev',
    '--ip',
    ip === 'localhost' ? '127.0.0.1' : ip,
    '--port',
    port,
    '--db-filename',
    path.resolve(settings.encryption.dataDir, 'temporal.sqlite'),
    '--ui-codec-endpoint',
    uiCodecEndpoint(settings.codec),
    ...SEARCH_ATTRIBUTES.flatMap((key) => [
      '--search-attribute',
      `${key.name}=${TypedSearchAttributes.toMetadataType(key.type)}`,
    ]),
  ];
}
