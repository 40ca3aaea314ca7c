import { describe, expect, it } from 'vitest';
import { createLogOutput, toEntry } from '../../dev/stack/log-output';
import { createLogger } from '../../src/logger';

// One stream for every part's lines: JSON for tools, pretty for a person, each naming its part.

function sink(isTTY: boolean, colours = false) {
  const written: string[] = [];
  return {
    written,
    out: { write: (text: string) => written.push(text), isTTY, hasColors: () => colours },
  };
}

describe('the stack log output', () => {
  it('labels a pino line of a part with the part, keeping its fields', () => {
    const line = JSON.stringify({ level: 40, time: 1, pid: 7, msg: 'slow', url: '/x' });
    expect(toEntry('api', line, 'stdout')).toEqual({
      level: 40,
      time: 1,
      pid: 7,
      msg: 'slow',
      url: '/x',
      component: 'api',
    });
  });

  it("reads the dev server's Go lines, keeping Temporal's own component apart", () => {
    const line = JSON.stringify({
      time: '2026-11-21T08:15:27.033Z',
      level: 'WARN',
      msg: 'quota',
      component: 'persistence',
    });
    expect(toEntry('temporal', line, 'stderr')).toEqual({
      level: 40,
      time: Date.parse('2026-11-21T08:15:27.033Z'),
      msg: 'quota',
      subsystem: 'persistence',
      component: 'temporal',
    });
  });

  it('wraps plain text: an error on stderr, information on stdout', () => {
    expect(toEntry('worker', 'TypeError: x is undefined', 'stderr')).toMatchObject({
      level: 50,
      msg: 'TypeError: x is undefined',
      component: 'worker',
    });
    expect(toEntry('temporal', 'Temporal UI: http://localhost:8233', 'stdout')).toMatchObject({
      level: 30,
      component: 'temporal',
    });
    expect(toEntry('api', '[1,2]', 'stdout')).toMatchObject({ level: 30, msg: '[1,2]' });
  });

  it('writes JSON lines when nobody watches, skipping blank lines', () => {
    const { out, written } = sink(false);
    const output = createLogOutput(out);
    output.line('sandbox', '{"level":30,"time":5,"msg":"listening"}', 'stdout');
    output.line('sandbox', '   ', 'stdout');
    expect(written).toEqual([
      `${JSON.stringify({ level: 30, time: 5, msg: 'listening', component: 'sandbox' })}\n`,
    ]);
  });

  it('writes one pretty line per entry on a terminal, naming the part', () => {
    const { out, written } = sink(true);
    const output = createLogOutput(out);
    output.line('worker', '{"level":30,"time":5,"msg":"worker started","taskQueue":"q"}', 'stdout');
    expect(written).toHaveLength(1);
    expect(written[0]).toMatch(
      /^\[\d\d:\d\d:\d\d\.\d{3}\] INFO: worker {3}worker started \{"taskQueue":"q"\}\n$/,
    );
  });

  it('colours the part on a terminal that has colours', () => {
    const { out, written } = sink(true, true);
    createLogOutput(out).line('api', '{"level":50,"time":5,"msg":"boom"}', 'stdout');
    expect(written[0]).toContain('\u001b[');
    expect(written[0]).toContain('boom');
  });

  it("carries the stack's own logger, redaction included", () => {
    const { out, written } = sink(false);
    const logger = createLogger({ level: 'info' }, createLogOutput(out).destination);
    logger.info({ token: 'local-dev-token', part: 'api' }, 'stack ready');
    const entry = JSON.parse(written[0]!) as Record<string, unknown>;
    expect(entry).toMatchObject({ component: 'stack', msg: 'stack ready', token: '[redacted]' });
  });
});
