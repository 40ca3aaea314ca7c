/**
 * docs/BENCHMARKS.md as `npm run bench` writes it: a fixed introduction, one section per scenario
 * between markers (so a run of some scenarios replaces only theirs and keeps the others, each
 * with the machine, versions, command and date it was measured with), and the hand-written notes
 * between their own markers, which no run touches.
 */

export interface ReportSection {
  id: string;
  /** `## <heading>` */
  heading: string;
  body: string;
}

const start = (id: string) => `<!-- bench:${id} -->`;
const end = (id: string) => `<!-- /bench:${id} -->`;
export const NOTES_ID = 'notes';

/** The sections (and notes) of an existing report, by id, markers and heading included. */
export function readSections(text: string): Map<string, string> {
  const sections = new Map<string, string>();
  const pattern = /^## [^\n]*\n+<!-- bench:([a-z0-9_-]+) -->\n[\s\S]*?\n<!-- \/bench:\1 -->$/gm;
  for (const match of text.matchAll(pattern)) sections.set(match[1]!, match[0]);
  return sections;
}

export function renderSection(section: ReportSection): string {
  return `## ${section.heading}\n\n${start(section.id)}\n${section.body.trim()}\n${end(section.id)}`;
}

/**
 * The whole report: `intro`, then for each id in `order` the fresh section if there is one, else
 * the one kept from `previous`, then the notes kept from `previous` (or `defaultNotes`).
 */
export function buildReport(options: {
  intro: string;
  order: readonly string[];
  fresh: ReadonlyMap<string, ReportSection>;
  previous: string;
  defaultNotes: ReportSection;
}): string {
  const kept = readSections(options.previous);
  const parts = [options.intro.trim()];
  for (const id of options.order) {
    const section = options.fresh.get(id);
    const text = section ? renderSection(section) : kept.get(id);
    if (text) parts.push(text);
  }
  parts.push(kept.get(NOTES_ID) ?? renderSection(options.defaultNotes));
  return `${parts.join('\n\n')}\n`;
}
