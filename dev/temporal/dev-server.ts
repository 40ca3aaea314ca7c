import path from 'node:path';
import { TypedSearchAttributes } from '@temporalio/common';
import { localUrl, type Config } from '../../src/config';
import { SEARCH_ATTRIBUTES } from '../../src/contract/search-attributes';

/**
 * The Temporal dev server as the local stack runs it: its state in `DATA_DIR/temporal.sqlite`
 * (onboardings survive a restart), the onboarding search attributes registered, and the Web UI
 * decoding payloads through the codec server. The dev server's UI can only be given an endpoint
 * URL, not a header, so the codec token travels in the endpoint's path (docs/PRIVACY.md): fine on
 * a developer's machine, where it is the local default token; never a production setup.
 */

/** The codec endpoint as a browser on this machine reaches it. */
export function uiCodecEndpoint(codec: Config['codec']): string {
  return `${localUrl(codec.host, codec.port)}/codec/${encodeURIComponent(codec.token)}`;
}

/** Where the dev server keeps its state: onboardings survive a restart. */
export function devServerDatabase(settings: Config): string {
  return path.resolve(settings.encryption.dataDir, 'temporal.sqlite');
}

/**
 * `temporal server start-dev` arguments: gRPC on loopback at TEMPORAL_DEV_SERVER_PORT, the Web UI
 * at TEMPORAL_DEV_SERVER_UI_PORT, JSON log lines (the stack labels and formats them).
 */
export function devServerArgs(settings: Config): string[] {
  return [
    'server',
    'start-dev',
    '--ip',
    '127.0.0.1',
    '--port',
    String(settings.devServer.port),
    '--ui-port',
    String(settings.devServer.uiPort),
    // No network beyond the machine is assumed.
    '--ui-disable-news-fetch',
    '--log-format',
    'json',
    '--db-filename',
    devServerDatabase(settings),
    // SQLite's defaults (rollback journal, a sync per commit) made the dev server the bottleneck:
    // ~0.5 onboardings/s at 4/s offered, against ~3/s with these (docs/BENCHMARKS.md). A killed
    // process loses nothing in WAL mode; only a power cut may lose the last commits.
    '--sqlite-pragma',
    'journal_mode=wal',
    '--sqlite-pragma',
    'synchronous=normal',
    '--ui-codec-endpoint',
    uiCodecEndpoint(settings.codec),
    ...SEARCH_ATTRIBUTES.flatMap((key) => [
      '--search-attribute',
      `${key.name}=${TypedSearchAttributes.toMetadataType(key.type)}`,
    ]),
  ];
}
