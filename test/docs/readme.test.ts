import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

// Keeps README.md (and docs/) true to the code: the two commands a newcomer starts with, every
// configuration variable src/config.ts reads (and none it does not), every npm script mentioned,
// every relative link. Reads files only; starts nothing.

const ROOT = path.resolve(__dirname, '../..');
const read = (file: string) => fs.readFileSync(path.join(ROOT, file), 'utf8');

const README = 'README.md';
const MARKDOWN = [
  README,
  ...fs
    .readdirSync(path.join(ROOT, 'docs'))
    .filter((name) => name.endsWith('.md'))
    .map((name) => `docs/${name}`),
];

const FENCE = /^```[^\n]*\n[\s\S]*?^```[ \t]*$/gm;

/** The text outside fenced code blocks and inline code spans. */
function prose(markdown: string): string {
  return markdown.replace(FENCE, '').replace(/`[^`\n]*`/g, '');
}

/** The text of a `## title` section, up to the next `## ` heading. */
function section(markdown: string, title: string): string {
  const start = markdown.search(new RegExp(`^## ${title}[ \\t]*$`, 'm'));
  expect(start, `README has no "## ${title}" section`).toBeGreaterThanOrEqual(0);
  const rest = markdown.slice(start + 1);
  const end = rest.search(/^## /m);
  return end === -1 ? rest : rest.slice(0, end);
}

/** The keys of `envSchema` in src/config.ts, read from its source (it is not exported). */
function envSchemaKeys(): string[] {
  const source = read('src/config.ts');
  const start = source.indexOf('const envSchema = z.object({');
  expect(start, 'src/config.ts defines envSchema').toBeGreaterThanOrEqual(0);
  const body = source.slice(start, source.indexOf('\n});', start));
  return [...body.matchAll(/^ {2}([A-Z][A-Z0-9_]+):/gm)].map((match) => match[1]!);
}

/** Every TEMPORAL_* name @temporalio/envconfig reads, from its own code. */
function envconfigNames(): string[] {
  const lib = path.dirname(require.resolve('@temporalio/envconfig'));
  const names = new Set<string>();
  for (const file of fs.readdirSync(lib).filter((name) => name.endsWith('.js'))) {
    const code = fs.readFileSync(path.join(lib, file), 'utf8');
    for (const match of code.matchAll(/['"`](TEMPORAL_[A-Z0-9_]+)['"`]/g)) names.add(match[1]!);
  }
  return [...names];
}

/** Read by the Temporal binaries' installer and locator, not by src/config.ts. */
const INSTALL_VARIABLES = ['TEMPORAL_CLI', 'TEMPORAL_TEST_SERVER', 'SKIP_TEMPORAL_INSTALL'];

/** A variable as a README table names it: `NAME`, or `PREFIX_*` for a family. */
const VARIABLE = /^([A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+)(_\*)?$/;

/** Backticked variable names in the first column of the section's tables. */
function tableVariables(markdown: string): { name: string; family: boolean }[] {
  const names: { name: string; family: boolean }[] = [];
  for (const line of markdown.split('\n')) {
    const cell = /^\|([^|]*)\|/.exec(line)?.[1];
    if (cell === undefined) continue;
    for (const [, token] of cell.matchAll(/`([^`]+)`/g)) {
      const match = VARIABLE.exec(token!);
      if (match) names.push({ name: match[1]!, family: match[2] !== undefined });
    }
  }
  return names;
}

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces as hyphens. */
function slug(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/\s/g, '-');
}

function anchors(markdown: string): Set<string> {
  const headings = [...markdown.replace(FENCE, '').matchAll(/^#{1,6}\s+(.+)$/gm)];
  return new Set(headings.map((match) => slug(match[1]!)));
}

describe('README.md', () => {
  const readme = read(README);

  it('begins with the two commands that run the system and the tests', () => {
    const first = /^```[^\n]*\n([\s\S]*?)^```/m.exec(readme);
    expect(first?.[1]).toBe(
      'npm install && npm start    # the whole system, locally\n' +
        'npm install && npm test     # the tests\n',
    );
    // Nothing but the title and what the system is comes before them.
    const before = readme.slice(0, first!.index);
    expect(before.match(/^#+ /gm)).toEqual(['# ']);
  });

  it('lists every variable src/config.ts reads in its configuration section', () => {
    const keys = envSchemaKeys();
    expect(keys).toContain('NODE_ENV');
    expect(keys.length).toBeGreaterThan(40);
    const configuration = section(readme, 'Configuration');
    const listed = new Set(tableVariables(configuration).map((variable) => variable.name));
    expect(keys.filter((key) => !listed.has(key))).toEqual([]);
  });

  it('lists no variable in its configuration section that nothing reads', () => {
    const external = envconfigNames();
    expect(external).toEqual(expect.arrayContaining(['TEMPORAL_ADDRESS', 'TEMPORAL_API_KEY']));
    const installer = read('scripts/install-temporal.mjs') + read('dev/temporal/binaries.ts');
    for (const name of INSTALL_VARIABLES) expect(installer).toContain(name);

    const known = [...envSchemaKeys(), ...external, ...INSTALL_VARIABLES];
    const variables = tableVariables(section(readme, 'Configuration'));
    expect(variables.length).toBeGreaterThan(40);
    const unknown = variables
      .filter(({ name, family }) =>
        family ? !known.some((key) => key.startsWith(`${name}_`)) : !known.includes(name),
      )
      .map(({ name, family }) => (family ? `${name}_*` : name));
    expect(unknown).toEqual([]);
  });
});

describe.each(MARKDOWN)('%s', (file) => {
  const markdown = read(file);

  it('mentions only npm scripts that exist', () => {
    const { scripts } = JSON.parse(read('package.json')) as { scripts: Record<string, string> };
    const mentioned = new Set<string>();
    // `npm run [--flags] <script>`, and the two lifecycle scripts run without `run`.
    for (const match of markdown.matchAll(/\bnpm run(?:\s+--?[a-z-]+)*\s+([A-Za-z0-9:_-]+)/g)) {
      mentioned.add(match[1]!);
    }
    for (const match of markdown.matchAll(/\bnpm (start|test)\b/g)) mentioned.add(match[1]!);
    expect([...mentioned].filter((script) => !(script in scripts))).toEqual([]);
  });

  it('links only to files (and headings) that exist', () => {
    const links = [...prose(markdown).matchAll(/\]\(([^)\s]+)\)/g)].map((match) => match[1]!);
    const broken: string[] = [];
    for (const link of links) {
      if (/^[a-z][a-z0-9+.-]*:/i.test(link)) continue; // http:, https:, mailto:
      const [target = '', anchor] = link.split('#');
      const resolved =
        target === '' ? path.join(ROOT, file) : path.resolve(ROOT, path.dirname(file), target);
      if (!fs.existsSync(resolved)) {
        broken.push(link);
      } else if (anchor && resolved.endsWith('.md')) {
        if (!anchors(fs.readFileSync(resolved, 'utf8')).has(anchor)) broken.push(link);
      }
    }
    expect(broken).toEqual([]);
  });
});

describe('the checks themselves', () => {
  it('find links, scripts and sections to check', () => {
    const readme = read(README);
    expect([...prose(readme).matchAll(/\]\(([^)\s]+)\)/g)].length).toBeGreaterThan(10);
    expect(slug('`needs_attention`: causes and remedies')).toBe(
      'needs_attention-causes-and-remedies',
    );
    expect(tableVariables('| `TEMPORAL_TLS_*` | x |\n| `A_B`, `C` | `D_E` |')).toEqual([
      { name: 'TEMPORAL_TLS', family: true },
      { name: 'A_B', family: false },
    ]);
  });
});
