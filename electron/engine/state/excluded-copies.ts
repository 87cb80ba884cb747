import type { Db } from './state-db.js';

/**
 * The remote copies this folder uploaded of files that became ignored (a `.hoistignore` rule, the
 * window's "exclude this subfolder"). The file stops being tracked, and its copy stays on the remote
 * untouched; what is kept here is only that the copy is this folder's own, so that once the file is
 * included again it replaces its own copy instead of meeting it as a conflict with "a file this folder
 * did not upload". If someone else replaced the copy meanwhile, the usual checks (COPY_MATCHES) see it.
 */
export class ExcludedCopies {
  private readonly statements;
  /** Whether the table has rows: null when unknown. Keeps the common case (none) at no query per file. */
  private any: boolean | null = null;

  constructor(db: Db) {
    const kept = (column: string): string => `(SELECT ${column} FROM excluded_copies WHERE path = @path)`;
    this.statements = {
      keep: db.prepare(
        `INSERT OR REPLACE INTO excluded_copies
           (path, remote_name, remote_key, synced_md5, synced_size, synced_remote_modified)
         SELECT path, remote_name, remote_key, synced_md5, synced_size, synced_remote_modified
           FROM local_files WHERE path = @path AND remote_owned = 1 AND remote_key IS NOT NULL`,
      ),
      takeBack: db.prepare(
        `UPDATE local_files SET remote_key = ${kept('remote_key')}, remote_owned = 1,
           synced_md5 = ${kept('synced_md5')}, synced_size = ${kept('synced_size')},
           synced_remote_modified = ${kept('synced_remote_modified')}
         WHERE path = @path AND remote_key IS NULL AND remote_name = ${kept('remote_name')}`,
      ),
      forget: db.prepare('DELETE FROM excluded_copies WHERE path = @path'),
      exists: db.prepare('SELECT EXISTS (SELECT 1 FROM excluded_copies) AS any'),
    };
  }

  /** Keeps the ownership of the tracked file at `path`, if it has a copy this folder put there. */
  keep(path: string): void {
    if (this.statements.keep.run({ path }).changes > 0) this.any = true;
  }

  /** A file tracked again at `path` (a new row): it takes back the copy kept for it, under the same name. */
  takeBack(path: string): void {
    if (this.any === null) this.any = (this.statements.exists.get() as { any: number }).any === 1;
    if (!this.any) return;
    this.statements.takeBack.run({ path });
    if (this.statements.forget.run({ path }).changes > 0) this.any = null;
  }
}
