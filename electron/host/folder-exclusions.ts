import type { FolderExclusionsView } from '../../shared/bridge/contract.js';
import { exactIgnoreRule } from '../engine/scan/exact-ignore-rule.js';
import { HandlerError } from './bridge/handler-error.js';
import { readHoistignore, writeHoistignore } from './hoistignore-file.js';

// A stand-in for host/selective-sync.ts (branch `ignore`), with the signatures the bridge needs: when
// that lands, folder.exclusions/folder.exclude call it instead and this file goes.

/** The exclusions of a folder's `.hoistignore` that a click can make: exact paths and `*.ext` rules. */
export async function readExclusions(folder: string): Promise<FolderExclusionsView> {
  const paths: string[] = [];
  const fileTypes: string[] = [];
  for (const raw of (await readHoistignore(folder)).split('\n')) {
    const line = raw.replace(/\r$/, '');
    const type = /^\*\.([^./\\*?[\]!#\s]+)$/.exec(line);
    if (type?.[1] !== undefined) fileTypes.push(type[1]);
    else if (line.startsWith('/') && line.length > 1) paths.push(unescapeRule(line.slice(1)));
  }
  return { paths, fileTypes };
}

/** Excludes a path or a file type (or includes it again): one line of `.hoistignore` added or removed. */
export async function setExclusion(
  folder: string,
  change: { path?: string | undefined; fileType?: string | undefined; include?: boolean | undefined },
): Promise<FolderExclusionsView> {
  const rule = change.fileType !== undefined ? `*.${change.fileType}` : exactIgnoreRule(change.path ?? '');
  if (rule === null) {
    throw new HandlerError('invalid-request', 'A name with a line break cannot be excluded by a rule');
  }
  const text = await readHoistignore(folder);
  const lines = text === '' ? [] : text.replace(/\n$/, '').split('\n');
  const present = lines.some((line) => line.replace(/\r$/, '') === rule);
  if (change.include === true && present) {
    const kept = lines.filter((line) => line.replace(/\r$/, '') !== rule);
    await writeHoistignore(folder, kept.length === 0 ? '' : `${kept.join('\n')}\n`);
  } else if (change.include !== true && !present) {
    await writeHoistignore(folder, `${[...lines, rule].join('\n')}\n`);
  }
  return readExclusions(folder);
}

function unescapeRule(rule: string): string {
  return rule.replace(/\\(.)/g, '$1');
}
