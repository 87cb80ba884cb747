import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { decodeFileName, hasUndecodableBytes } from '../../../shared/file-name-bytes.js';
import type { IgnoreRules } from './ignore-rules.js';

/**
 * The names in one folder directory that are not UTF-8, relative to the folder, with those bytes as
 * lone surrogates (file-name-bytes.ts). The watcher hands such a name over decoded lossily (U+FFFD),
 * which names no file; this reads the directory as bytes, as the walk does, so a bad name is found
 * when it appears, not at the next full scan. A directory that is gone has none.
 */
export async function undecodableNames(
  root: string,
  directory: string,
  rules: Pick<IgnoreRules, 'ignores'>,
): Promise<string[]> {
  const absolute = directory === '' ? root : join(root, ...directory.split('/'));
  const entries = await readdir(absolute, { encoding: 'buffer', withFileTypes: true }).catch(() => []);
  const base = directory === '' ? '' : `${directory}/`;
  const names: string[] = [];
  for (const entry of entries) {
    const path = base + decodeFileName(entry.name);
    if (hasUndecodableBytes(path) && !rules.ignores(path, entry.isDirectory())) names.push(path);
  }
  return names;
}

/** Whether a hinted path may be such a name: decoded lossily, or already kept exactly. */
export function mayBeUndecodable(path: string): boolean {
  return path.includes('\uFFFD') || hasUndecodableBytes(path);
}
