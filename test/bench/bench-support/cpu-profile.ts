import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';

/** The parts of a V8 .cpuprofile (node --cpu-prof) read here. */
interface CpuProfile {
  nodes: Array<{
    id: number;
    callFrame: { functionName: string; url: string; lineNumber: number };
    children?: number[];
  }>;
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

export interface ProfileSet {
  main: ProfileSummary | null;
  workers: ProfileSummary | null;
}

export interface ProfileSummary {
  /** Which profile(s): "main thread", "2 worker thread(s)". */
  file: string;
  totalMs: number;
  /** Self time per function, highest first. */
  functions: Array<{ name: string; selfMs: number; share: number }>;
  /** Self time per place: a package under node_modules, a Hoist source file, node internals, GC, idle. */
  places: Array<{ name: string; selfMs: number; share: number }>;
  /**
   * Hoist's own functions by inclusive time (themselves and everything they call, synchronously):
   * which of our calls the CPU went to. `selfMs` holds the inclusive time here.
   */
  hoistInclusive: Array<{ name: string; selfMs: number; share: number }>;
}

/**
 * Summarizes the .cpuprofile files in `dir` (node --cpu-prof writes one per thread, named
 * CPU.<date>.<time>.<pid>.<thread>.<seq>.cpuprofile; thread 0 is the main thread): the main thread's,
 * and, when there are worker threads, all of theirs together.
 */
export async function summarizeProfileDir(dir: string, top = 15): Promise<ProfileSet> {
  const files = (await readdir(dir).catch(() => [] as string[]))
    .filter((name) => name.endsWith('.cpuprofile'))
    .sort();
  const isMain = (name: string): boolean => /\.\d+\.0\.\d+\.cpuprofile$/.test(name);
  const main = files.filter(isMain).map((name) => join(dir, name));
  const workers = files.filter((name) => !isMain(name)).map((name) => join(dir, name));
  return {
    main: main.length > 0 ? await summarizeProfiles(main, top, 'main thread') : null,
    workers:
      workers.length > 0 ? await summarizeProfiles(workers, top, `${workers.length} worker thread(s)`) : null,
  };
}

export function summarizeProfile(file: string, top = 15): Promise<ProfileSummary> {
  return summarizeProfiles([file], top, file);
}

async function summarizeProfiles(
  files: readonly string[],
  top: number,
  label: string,
): Promise<ProfileSummary> {
  const functions = new Map<string, number>();
  const places = new Map<string, number>();
  const inclusive = new Map<string, number>();
  let total = 0;
  for (const file of files) {
    const profile = JSON.parse(await readFile(file, 'utf8')) as CpuProfile;
    const byId = new Map(profile.nodes.map((node) => [node.id, node]));
    const selfUs = new Map<number, number>();
    profile.samples.forEach((id, index) => {
      selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[index] ?? 0));
    });
    const parents = new Map<number, number>();
    for (const node of profile.nodes) for (const child of node.children ?? []) parents.set(child, node.id);
    for (const [id, micros] of selfUs) {
      const frame = byId.get(id)?.callFrame;
      if (!frame) continue;
      total += micros;
      // Each Hoist function on this stack once (recursion is not counted twice).
      const seen = new Set<string>();
      for (let at: number | undefined = id; at !== undefined; at = parents.get(at)) {
        const caller = byId.get(at)?.callFrame;
        if (!caller || !isHoistCode(caller.url)) continue;
        const name = `${caller.functionName || '(anonymous)'} ${shortUrl(caller.url)}:${caller.lineNumber + 1}`;
        if (seen.has(name)) continue;
        seen.add(name);
        inclusive.set(name, (inclusive.get(name) ?? 0) + micros);
      }
      const where = shortUrl(frame.url);
      const name = `${frame.functionName || '(anonymous)'}${where ? ` ${where}:${frame.lineNumber + 1}` : ''}`;
      functions.set(name, (functions.get(name) ?? 0) + micros);
      const place = placeOf(frame.functionName, frame.url);
      places.set(place, (places.get(place) ?? 0) + micros);
    }
  }
  const rank = (map: Map<string, number>): ProfileSummary['functions'] =>
    [...map]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([name, micros]) => ({ name, selfMs: micros / 1000, share: total > 0 ? micros / total : 0 }));
  return {
    file: label,
    totalMs: total / 1000,
    functions: rank(functions),
    places: rank(places),
    hoistInclusive: rank(inclusive),
  };
}

function isHoistCode(url: string): boolean {
  return url.includes('/electron/') && !url.includes('node_modules/');
}

function shortUrl(url: string): string {
  if (url === '') return '';
  const modules = url.lastIndexOf('node_modules/');
  if (modules >= 0) return url.slice(modules + 'node_modules/'.length);
  const dist = url.indexOf('/dist/');
  if (dist >= 0) return url.slice(dist + '/dist/'.length);
  return url.replace(/^file:\/\//, '');
}

function placeOf(functionName: string, url: string): string {
  if (url === '') return functionName.startsWith('(') ? functionName : '(native)';
  if (url.startsWith('node:')) return 'node internals';
  const modules = url.lastIndexOf('node_modules/');
  if (modules >= 0) {
    const rest = url.slice(modules + 'node_modules/'.length).split('/');
    return `npm:${rest[0]?.startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0]}`;
  }
  return shortUrl(url);
}

export function renderProfile(summary: ProfileSummary, rows = 10): string {
  const lines = [`  CPU profile, ${summary.file} (${summary.totalMs.toFixed(0)} ms sampled)`, '  by place:'];
  for (const place of summary.places.slice(0, rows))
    lines.push(
      `    ${place.selfMs.toFixed(0).padStart(7)} ms ${(place.share * 100).toFixed(1).padStart(5)}%  ${place.name}`,
    );
  lines.push('  by function (self time):');
  for (const fn of summary.functions.slice(0, rows))
    lines.push(
      `    ${fn.selfMs.toFixed(0).padStart(7)} ms ${(fn.share * 100).toFixed(1).padStart(5)}%  ${fn.name}`,
    );
  lines.push("  Hoist's functions (inclusive time):");
  for (const fn of summary.hoistInclusive.slice(0, rows))
    lines.push(
      `    ${fn.selfMs.toFixed(0).padStart(7)} ms ${(fn.share * 100).toFixed(1).padStart(5)}%  ${fn.name}`,
    );
  return lines.join('\n');
}

export function renderProfileSet(set: ProfileSet, rows = 10): string {
  return [set.main, set.workers]
    .filter((summary): summary is ProfileSummary => summary !== null)
    .map((summary) => renderProfile(summary, rows))
    .join('\n');
}
