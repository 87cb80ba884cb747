import { lstat } from 'node:fs/promises';
import { join } from 'node:path';
import ignore from 'ignore';
import { HOISTIGNORE_FILE, IgnoreRules } from '../engine/scan/ignore-rules.js';
import { HandlerError } from './bridge/handler-error.js';
import { readHoistignore, writeHoistignore } from './hoistignore-file.js';
import { HoistignoreLines, ruleFor, sameExclusion, type Exclusion } from './selective-sync-rules.js';

/**
 * Selective sync with a click: the window's "exclude this subfolder / this file type" and "include
 * it again", written to the folder's `.hoistignore` (one place for the rule, still editable by hand;
 * the lines are managed by selective-sync-rules.ts). The engine picks the new rules up from the
 * watcher's hint; a host that wants them applied before its next step calls the service's
 * `applyIgnoreRules()`. Excluded files already on the remote stay there: the engine stops tracking
 * a path that becomes ignored and never deletes its remote copy (folder-scan.ts).
 */

/** What is excluded with a click: '/'-separated paths relative to the folder, and file extensions. */
export interface Exclusions {
  paths: string[];
  fileTypes: string[];
}

/** The exclusions after a change, and a sentence when the change did not do all that was asked. */
export interface ExclusionChange extends Exclusions {
  /** Why what was included again is still left out (the person's own rule, a folder it is in). */
  note: string | null;
}

export interface ExclusionRequest {
  /** A subfolder or file of the folder, relative, '/'-separated. */
  path?: string;
  /** An extension without the dot, e.g. "mp4" (a leading dot is accepted); any case. */
  fileType?: string;
}

// One change at a time per folder: two quick clicks must not both read the old file and the second
// write drop the first one's rule.
const queues = new Map<string, Promise<unknown>>();

export async function readExclusions(folderRoot: string): Promise<Exclusions> {
  return listed(new HoistignoreLines(await readHoistignore(folderRoot)));
}

/** Leaves a subfolder, a file or a file type out of syncing; nothing is written if it already is. */
export async function exclude(folderRoot: string, request: ExclusionRequest): Promise<ExclusionChange> {
  const exclusion = exclusionFrom(request);
  return serialized(folderRoot, async () => {
    const lines = new HoistignoreLines(await readHoistignore(folderRoot));
    if (!lines.exclusions().some((known) => sameExclusion(known, exclusion))) {
      const rule = ruleFor(exclusion, await isFolder(folderRoot, exclusion));
      // exclusionFrom already refused what cannot be one rule.
      if (rule === null)
        throw new HandlerError('invalid-request', `${subject(exclusion)} cannot be excluded.`);
      lines.add(rule);
      await writeHoistignore(folderRoot, lines.toString());
    }
    return { ...listed(lines), note: null };
  });
}

/**
 * Removes Hoist's rule for it. If it is still left out after that (by the person's own rule, a
 * folder it is in, or Hoist's built-in list), `note` says so and by what; nothing else is changed.
 */
export async function include(folderRoot: string, request: ExclusionRequest): Promise<ExclusionChange> {
  const exclusion = exclusionFrom(request);
  return serialized(folderRoot, async () => {
    const lines = new HoistignoreLines(await readHoistignore(folderRoot));
    if (lines.remove(exclusion)) await writeHoistignore(folderRoot, lines.toString());
    return { ...listed(lines), note: await stillLeftOut(folderRoot, lines, exclusion) };
  });
}

function listed(lines: HoistignoreLines): Exclusions {
  const paths: string[] = [];
  const fileTypes: string[] = [];
  for (const exclusion of lines.exclusions()) {
    if (exclusion.kind === 'path') paths.push(exclusion.path);
    else fileTypes.push(exclusion.fileType);
  }
  return { paths, fileTypes };
}

/** The request checked, as one exclusion; a clear error for anything that is not one. */
function exclusionFrom(request: ExclusionRequest): Exclusion {
  const { path, fileType } = request;
  if ((path === undefined) === (fileType === undefined))
    throw new HandlerError(
      'invalid-request',
      'Choose either a subfolder or file, or a file type, to exclude.',
    );
  if (path !== undefined) {
    const trimmed = typeof path === 'string' ? path.replace(/^\/+|\/+$/g, '') : '';
    const parts = trimmed.split('/');
    if (
      trimmed === '' ||
      parts.some((part) => part === '' || part === '.' || part === '..' || part.includes('\0'))
    )
      throw new HandlerError(
        'invalid-request',
        `“${String(path)}” is not a subfolder or file of this folder. Give its path inside the folder, like “photos/2024”.`,
      );
    if (/[\r\n]/.test(trimmed))
      throw new HandlerError(
        'invalid-request',
        `“${trimmed.replace(/\r/g, '\\r').replace(/\n/g, '\\n')}” has a line break in its name, which a .hoistignore rule cannot hold. Rename it to exclude it.`,
      );
    if (trimmed.toLowerCase() === HOISTIGNORE_FILE)
      throw new HandlerError(
        'invalid-request',
        `${HOISTIGNORE_FILE} is Hoist’s own file: it is never synced.`,
      );
    return { kind: 'path', path: trimmed };
  }
  const type = typeof fileType === 'string' ? fileType.trim().replace(/^\./, '').toLowerCase() : '';
  if (type === '' || /[\s/\\\0]/.test(type) || type.startsWith('.'))
    throw new HandlerError(
      'invalid-request',
      `“${String(fileType)}” is not a file type. Give an extension without the dot, like “mp4”.`,
    );
  return { kind: 'type', fileType: type };
}

/** A folder gets a folder rule (`/photos/`); a file, a link or a name not there yet an exact one. */
async function isFolder(folderRoot: string, exclusion: Exclusion): Promise<boolean> {
  if (exclusion.kind !== 'path') return false;
  const info = await lstat(join(folderRoot, ...exclusion.path.split('/'))).catch(() => null);
  return info?.isDirectory() ?? false;
}

/** The sentence saying why it is still left out after Hoist's rule went, or null when it is not. */
async function stillLeftOut(
  folderRoot: string,
  lines: HoistignoreLines,
  exclusion: Exclusion,
): Promise<string | null> {
  // The engine's own verdict, with the file as it is now (built-in rules included).
  const rules = await IgnoreRules.load(folderRoot);
  const directory = await isFolder(folderRoot, exclusion);
  const probe = exclusion.kind === 'path' ? exclusion.path : `example.${exclusion.fileType}`;
  if (!rules.ignores(probe, directory)) return null;
  const what = `${subject(exclusion)} ${exclusion.kind === 'path' ? 'is' : 'are'} still left out`;
  const byHoist =
    exclusion.kind === 'path' ? lines.exclusions().find((other) => covers(other, exclusion.path)) : undefined;
  if (byHoist?.kind === 'path') {
    return `${what}: the folder “${byHoist.path}” it is in is excluded. Include that folder again to sync it.`;
  }
  if (byHoist?.kind === 'type') {
    return `${what}: files of type .${byHoist.fileType} are excluded. Include that type again to sync it.`;
  }
  const own = ownRuleFor(lines.ownPatterns(), probe, directory, rules.ignoreCase);
  if (own !== null) {
    return `${what} by your own rule “${own}” in ${HOISTIGNORE_FILE}. Edit that rule to sync ${exclusion.kind === 'path' ? 'it' : 'them'}.`;
  }
  return `${what}: Hoist never syncs temporary and system files of this kind. A “!” rule in ${HOISTIGNORE_FILE} brings them back.`;
}

/** Whether another click-exclusion leaves this path out too: a folder it is in, or its file type. */
function covers(other: Exclusion, path: string): boolean {
  if (other.kind === 'type') return path.toLowerCase().endsWith(`.${other.fileType}`);
  const folder = other.path.normalize('NFC');
  const target = path.normalize('NFC');
  return target !== folder && target.startsWith(`${folder}/`);
}

/** The last of the person's rules that leaves out the path or a folder it is in, to name it. */
function ownRuleFor(
  patterns: readonly string[],
  path: string,
  isDirectory: boolean,
  ignoreCase: boolean,
): string | null {
  const parts = path.split('/');
  const candidates = parts.map((_, index) => {
    const prefix = parts.slice(0, index + 1).join('/');
    return index < parts.length - 1 || isDirectory ? `${prefix}/` : prefix;
  });
  let found: string | null = null;
  for (const pattern of patterns) {
    if (pattern.startsWith('!')) continue;
    const matcher = ignore({ ignoreCase }).add(pattern);
    if (candidates.some((candidate) => matcher.ignores(candidate.normalize('NFC')))) found = pattern;
  }
  return found;
}

function subject(exclusion: Exclusion): string {
  return exclusion.kind === 'path' ? `“${exclusion.path}”` : `Files of type .${exclusion.fileType}`;
}

async function serialized<T>(folderRoot: string, task: () => Promise<T>): Promise<T> {
  const previous = queues.get(folderRoot) ?? Promise.resolve();
  const next = previous.then(task, task);
  const settled = next.catch(() => undefined);
  queues.set(folderRoot, settled);
  try {
    return await next;
  } finally {
    if (queues.get(folderRoot) === settled) queues.delete(folderRoot);
  }
}
