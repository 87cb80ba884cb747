import { join } from 'node:path';
import { readRegularFile, replaceRegularFile } from '../base/link-safe-file.js';
import { exactIgnoreRule } from '../engine/scan/exact-ignore-rule.js';
import { HOISTIGNORE_FILE } from '../engine/scan/ignore-rules.js';
import { HandlerError } from './bridge/handler-error.js';

/**
 * The window's reads and writes of a folder's `.hoistignore` (Settings' editor, and "add it to
 * .hoistignore" when deleting). A link there is refused rather than followed, and a write replaces the
 * file whole (link-safe-file.ts).
 */
export function hoistignorePath(folder: string): string {
  return join(folder, HOISTIGNORE_FILE);
}

/** The file's text; '' when there is none. */
export async function readHoistignore(folder: string): Promise<string> {
  return (await readRegularFile(hoistignorePath(folder))) ?? '';
}

export async function writeHoistignore(folder: string, text: string): Promise<void> {
  await replaceRegularFile(hoistignorePath(folder), text);
}

/**
 * Adds one exact, rooted rule per path (exact-ignore-rule.ts); returns how many were new. A path whose
 * name holds a line break cannot be written as one rule, so nothing is written and the error names it.
 */
export async function addExactRules(folder: string, paths: readonly string[]): Promise<number> {
  const rules: string[] = [];
  for (const path of paths) {
    const rule = exactIgnoreRule(path);
    if (rule === null) {
      const shown = path.replace(/\r/g, '\\r').replace(/\n/g, '\\n');
      throw new HandlerError(
        'invalid-request',
        `“${shown}” has a line break in its name, which a .hoistignore rule cannot hold. Nothing was deleted: rename the file, or delete it without adding it to .hoistignore.`,
      );
    }
    rules.push(rule);
  }
  const current = await readHoistignore(folder);
  const lines = new Set(current.split('\n').map((line) => line.replace(/\r$/, '')));
  const added = [...new Set(rules)].filter((rule) => !lines.has(rule));
  if (added.length === 0) return 0;
  const prefix = current === '' || current.endsWith('\n') ? current : `${current}\n`;
  await writeHoistignore(folder, `${prefix}${added.join('\n')}\n`);
  return added.length;
}
