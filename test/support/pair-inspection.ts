import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { decodeRemoteName } from '../../electron/engine/remote/remote-names.js';
import type { ActivityEntry } from '../../shared/sync-types.js';

export const md5 = (bytes: Buffer | string): string => createHash('md5').update(bytes).digest('hex');

/**
 * What the reference server stores for a user, read from its own catalog and blobs (not through the
 * API the client uses): each object's decoded path and the MD5 of its stored bytes.
 */
export async function remoteContents(dataDir: string, owner = 'alice'): Promise<Map<string, string>> {
  // A blob deleted between reading its row and reading it (a deletion under way): read again.
  for (let attempt = 1; ; attempt++) {
    try {
      return await readRemoteContents(dataDir, owner);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT' || attempt === 5) throw error;
    }
  }
}

async function readRemoteContents(dataDir: string, owner: string): Promise<Map<string, string>> {
  const catalog = new Database(join(dataDir, 'catalog.db'), { readonly: true });
  try {
    const rows = catalog
      .prepare("SELECT filename, blob FROM objects WHERE ns = 'alloy' AND owner = ?")
      .all(owner) as Array<{ filename: string; blob: string }>;
    const contents = new Map<string, string>();
    for (const row of rows) {
      contents.set(decodeRemoteName(row.filename), md5(await readFile(join(dataDir, 'blobs', row.blob))));
    }
    return contents;
  } finally {
    catalog.close();
  }
}

/** The activity log of the one pair under `stateRoot`, oldest first, read from its DB. */
export async function activityLog(stateRoot: string): Promise<ActivityEntry[]> {
  const pairs = await readdir(join(stateRoot, 'pairs'));
  if (pairs.length !== 1) throw new Error(`Expected one pair under ${stateRoot}, found ${pairs.length}`);
  const db = new Database(join(stateRoot, 'pairs', pairs[0]!, 'state.db'), { readonly: true });
  try {
    return db
      .prepare('SELECT id, at, kind, path, message FROM activity ORDER BY id')
      .all() as ActivityEntry[];
  } finally {
    db.close();
  }
}

/** The entries of the log about one path (optionally of one kind). */
export function entriesFor(
  log: ActivityEntry[],
  path: string,
  kind?: ActivityEntry['kind'],
): ActivityEntry[] {
  return log.filter((entry) => entry.path === path && (kind === undefined || entry.kind === kind));
}
