import fs from 'node:fs';
import { createInterface } from 'node:readline';
import type { PersonalKind, PersonalValue } from './plan';

/**
 * The log scan: every line every part wrote, searched for every personal value the run used.
 * docs/PRIVACY.md promises that SSNs, dates of birth, emails, phone numbers and account numbers
 * never reach a log line (redacted by key, bodies never logged): those are asserted. Names are not
 * on its list; they are counted and reported only.
 *
 * Values are looked up by token, not searched as substrings, so 1,000 signups' values cost one
 * pass: digit runs (an SSN inside a longer number is not that SSN), SSNs written `123-45-6789`,
 * dates, emails (also URL-encoded), and words for names.
 */

export const PROMISED_KINDS: readonly PersonalKind[] = [
  'ssn',
  'dateOfBirth',
  'email',
  'phone',
  'bankAccount',
  'checkAccount',
  'billAccount',
];

export interface PiiHit {
  kind: PersonalKind;
  signupId: string;
  line: number;
  /** The part that wrote the line, when it is JSON naming one. */
  component: string | undefined;
}

const DIGIT_RUN = /\d+/g;
const SPACED_SSN = /(?<!\d)(\d{3})[- ](\d{2})[- ](\d{4})(?!\d)/g;
const DATE = /(?<!\d)\d{4}-\d{2}-\d{2}(?!\d)/g;
const EMAIL = /[a-z0-9._%+-]+@[a-z0-9.-]+\.[a-z]+/g;
const WORD = /[a-z]+/g;

export class PiiScanner {
  private readonly digits = new Map<string, PersonalValue>();
  private readonly dates = new Map<string, PersonalValue>();
  private readonly emails = new Map<string, PersonalValue>();
  private readonly names = new Map<string, PersonalValue>();

  constructor(values: readonly PersonalValue[]) {
    for (const value of values) {
      switch (value.kind) {
        case 'dateOfBirth':
          this.dates.set(value.value, value);
          break;
        case 'email':
          this.emails.set(value.value.toLowerCase(), value);
          break;
        case 'name':
          this.names.set(value.value.toLowerCase(), value);
          break;
        default:
          this.digits.set(value.value, value);
      }
    }
  }

  /** Every personal value in one line (a value twice in it counts once). */
  scanLine(text: string, line = 0): PiiHit[] {
    const found = new Set<PersonalValue>();
    const lookup = (map: Map<string, PersonalValue>, token: string) => {
      const value = map.get(token);
      if (value) found.add(value);
    };
    for (const [token] of text.matchAll(DIGIT_RUN)) lookup(this.digits, token);
    for (const match of text.matchAll(SPACED_SSN)) {
      const value = this.digits.get(`${match[1]}${match[2]}${match[3]}`);
      if (value?.kind === 'ssn') found.add(value);
    }
    for (const [token] of text.matchAll(DATE)) lookup(this.dates, token);
    const lower = text.toLowerCase().replaceAll('%40', '@');
    for (const [token] of lower.matchAll(EMAIL)) lookup(this.emails, token);
    for (const [token] of lower.matchAll(WORD)) lookup(this.names, token);
    if (found.size === 0) return [];
    const component = componentOf(text);
    return [...found].map((value) => ({
      kind: value.kind,
      signupId: value.signupId,
      line,
      component,
    }));
  }
}

function componentOf(text: string): string | undefined {
  try {
    const parsed = JSON.parse(text) as { component?: unknown };
    return typeof parsed.component === 'string' ? parsed.component : undefined;
  } catch {
    return undefined;
  }
}

export interface ScanResult {
  lines: number;
  hits: PiiHit[];
  /** The parts whose lines the file holds: a scan of a file missing one proves nothing for it. */
  components: string[];
  /** Lines naming `marker` (the run's signup ids share it): the run's work is in the file. */
  markedLines: number;
}

export async function scanFile(
  file: string,
  scanner: PiiScanner,
  marker: string,
): Promise<ScanResult> {
  const input = fs.createReadStream(file, { encoding: 'utf8' });
  const lines = createInterface({ input, crlfDelay: Infinity });
  const hits: PiiHit[] = [];
  const components = new Set<string>();
  let count = 0;
  let markedLines = 0;
  for await (const text of lines) {
    count += 1;
    hits.push(...scanner.scanLine(text, count));
    const component = /"component":"([a-z]+)"/.exec(text)?.[1];
    if (component !== undefined) components.add(component);
    if (text.includes(marker)) markedLines += 1;
  }
  return { lines: count, hits, components: [...components].sort(), markedLines };
}
