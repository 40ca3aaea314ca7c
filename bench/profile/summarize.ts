import fs from 'node:fs';
import path from 'node:path';

/**
 * `node --import tsx bench/profile/summarize.ts <file.cpuprofile> ...`: where a profiled part of
 * the stack spent its CPU (see preload.cjs): self time by function and by package or source
 * folder, as shares of the samples that were not idle.
 */

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** `node_modules/pino`, `src/ingo`, `node:internal/...`: what a script URL belongs to. */
export function moduleOf(url: string): string {
  if (url === '') return '(native or V8)';
  const modules = url.lastIndexOf('node_modules/');
  if (modules !== -1) {
    const rest = url.slice(modules + 'node_modules/'.length).split('/');
    return `node_modules/${rest[0]!.startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0]}`;
  }
  if (url.startsWith('node:')) return url.split('/').slice(0, 2).join('/');
  const match = /\/(dist|src|bench)\/([^/]+)/.exec(url);
  if (match) return `${match[1]}/${match[2]}`;
  return path.basename(url);
}

export function summarize(profile: Profile, top = 25): string {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const selfUs = new Map<number, number>();
  profile.samples.forEach((id, i) =>
    selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)),
  );
  const byFunction = new Map<string, number>();
  const byModule = new Map<string, number>();
  let busy = 0;
  for (const [id, us] of selfUs) {
    const { functionName, url, lineNumber } = byId.get(id)!.callFrame;
    if (
      functionName === '(idle)' ||
      functionName === '(program)' ||
      functionName === '(garbage collector)'
    ) {
      if (functionName !== '(idle)') {
        byModule.set(functionName, (byModule.get(functionName) ?? 0) + us);
        busy += us;
      }
      continue;
    }
    busy += us;
    const key = `${functionName || '(anonymous)'} ${moduleOf(url)}:${lineNumber + 1}`;
    byFunction.set(key, (byFunction.get(key) ?? 0) + us);
    byModule.set(moduleOf(url), (byModule.get(moduleOf(url)) ?? 0) + us);
  }
  const list = (map: Map<string, number>) =>
    [...map]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([name, us]) => `  ${((100 * us) / busy).toFixed(1).padStart(5)}%  ${name}`)
      .join('\n');
  return `busy ${(busy / 1e6).toFixed(1)} s\nby module:\n${list(byModule)}\nby function (self):\n${list(byFunction)}`;
}

if (require.main === module) {
  for (const file of process.argv.slice(2)) {
    console.log(`== ${file}`);
    console.log(summarize(JSON.parse(fs.readFileSync(file, 'utf8')) as Profile));
  }
}
