/**
 * `node dist/http/healthcheck.js <url>`: the containers' health check (docker-compose.yml). The
 * slim Node image has no curl or wget, and a check written in Node needs nothing installed.
 * Exits 0 on a 2xx answer, 1 on anything else with one line saying why, 2 on a bad argument.
 */

// Shorter than the compose healthchecks' own timeout, so a hung server is reported, not killed.
const TIMEOUT_MS = 3_000;
const USAGE = 'usage: node dist/http/healthcheck.js <http(s)://host:port/path>';

function parseUrl(arg: string | undefined): URL | undefined {
  try {
    const url = new URL(arg ?? '');
    return url.protocol === 'http:' || url.protocol === 'https:' ? url : undefined;
  } catch {
    return undefined;
  }
}

function reason(error: unknown): string {
  if (error instanceof Error && error.name === 'TimeoutError') {
    return `no answer within ${TIMEOUT_MS} ms`;
  }
  // fetch() says only "fetch failed"; its cause says why (ECONNREFUSED, ENOTFOUND, "bad port").
  const cause = error instanceof Error ? error.cause : undefined;
  if (cause instanceof Error) {
    const { code } = cause as { code?: unknown };
    return typeof code === 'string' ? code : cause.message;
  }
  return error instanceof Error ? error.message : String(error);
}

export async function healthcheck(args: readonly string[]): Promise<number> {
  const url = parseUrl(args[0]);
  if (url === undefined || args.length !== 1) {
    console.error(USAGE);
    return 2;
  }
  // Origin and path only: the output lands in `docker inspect`, so no query string or credentials.
  const where = `${url.origin}${url.pathname}`;
  try {
    const response = await fetch(url, {
      signal: AbortSignal.timeout(TIMEOUT_MS),
      redirect: 'manual',
    });
    // The status is the answer; an unread body must not hold the process open.
    await response.body?.cancel();
    if (response.ok) return 0;
    console.error(`unhealthy: ${where} answered ${response.status}`);
  } catch (error) {
    console.error(`unhealthy: ${where} ${reason(error)}`);
  }
  return 1;
}

if (require.main === module) {
  // exit() rather than exitCode: an idle keep-alive socket must not delay the verdict.
  void healthcheck(process.argv.slice(2)).then((code) => process.exit(code));
}
