import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { PiiScanner, PROMISED_KINDS, scanFile } from '../../chaos/pii-scan';
import type { PersonalValue } from '../../chaos/plan';

// The chaos run's log scan (chaos/pii-scan.ts) finds a planted value however it is written, and
// does not mistake a longer number or a timestamp for one.

const VALUES: PersonalValue[] = [
  { kind: 'ssn', value: '523456789', signupId: 's-1' },
  { kind: 'dateOfBirth', value: '1984-07-13', signupId: 's-1' },
  { kind: 'email', value: 'bavikoru.tamelisa.12345@example.com', signupId: 's-1' },
  { kind: 'phone', value: '2015550199', signupId: 's-1' },
  { kind: 'bankAccount', value: '345678901234', signupId: 's-2' },
  { kind: 'name', value: 'Bavikoru', signupId: 's-1' },
];

const line = (fields: Record<string, unknown>) =>
  JSON.stringify({ level: 30, time: 1795253528459, component: 'worker', ...fields });

describe('chaos PII scan', () => {
  const scanner = new PiiScanner(VALUES);
  const kinds = (text: string) => scanner.scanLine(text).map((hit) => hit.kind);

  it('finds each planted value in a log line, naming its kind, signup and component', () => {
    expect(scanner.scanLine(line({ msg: 'submitting', ssn: '523456789' }), 7)).toEqual([
      { kind: 'ssn', signupId: 's-1', line: 7, component: 'worker' },
    ]);
    expect(kinds(line({ msg: 'ssn 523-45-6789 refused' }))).toEqual(['ssn']);
    expect(kinds(line({ msg: 'ssn 523 45 6789' }))).toEqual(['ssn']);
    expect(kinds(line({ dob: '1984-07-13' }))).toEqual(['dateOfBirth']);
    expect(kinds('GET /x?email=Bavikoru.Tamelisa.12345%40example.com')).toContain('email');
    expect(kinds(line({ phone: '2015550199', account: 'acct 345678901234' }))).toEqual([
      'phone',
      'bankAccount',
    ]);
    expect(kinds('hello bavikoru')).toEqual(['name']);
  });

  it('does not take a longer number, a timestamp or a redacted field for a value', () => {
    expect(
      kinds(line({ id: '15234567890', ssn: '[redacted]', t: '2026-11-21T09:22:16Z' })),
    ).toEqual([]);
    expect(kinds('ssn 9523456789 and 5234567891')).toEqual([]);
  });

  it('scans a file line by line; names are reported but not promised by PRIVACY.md', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'chaos-scan-'));
    const file = path.join(dir, 'stack.log');
    fs.writeFileSync(
      file,
      [line({ msg: 'clean' }), line({ msg: 'leak', dob: '1984-07-13' }), 'Bavikoru'].join('\n'),
    );
    const result = await scanFile(file, scanner, 'clean');
    fs.rmSync(dir, { recursive: true });
    expect(result).toMatchObject({ lines: 3, components: ['worker'], markedLines: 1 });
    expect(result.hits.map((hit) => [hit.kind, hit.line])).toEqual([
      ['dateOfBirth', 2],
      ['name', 3],
    ]);
    expect(PROMISED_KINDS).not.toContain('name');
  });
});
