import { lstat } from 'node:fs/promises';
import { join } from 'node:path';
import type { PairSettings } from '../../shared/sync-types.js';
import type { EngineContext } from './engine-context.js';
import type { LocalFile } from './state/local-files.js';
import { SMALL_BODY_BYTES, type HeldBodies } from './upload/held-bodies.js';
import { plannedPartBytes } from './upload/multipart-uploader.js';

/** Hashing needs the engine's world: the folder, its file table, the hasher pool, time, the log. */
export type HashContext = Pick<
  EngineContext,
  'root' | 'state' | 'hasher' | 'provider' | 'clock' | 'report' | 'vanished' | 'multipartPartBytes'
> & {
  /** Where the bytes of a small file hashed for upload wait for it (none: every upload reads the file). */
  bodies?: HeldBodies;
  /**
   * The pair's settings (the multipart threshold): with them, a file that will go up in parts has
   * its parts' MD5s computed in the same read. Without them, its upload has them computed then.
   */
  settings?: () => PairSettings;
};

export type HashOutcome = 'hashed' | 'unchanged-content' | 'requeued' | 'deleted' | 'unreadable';

// An unreadable file (locked, permissions) is tried again after this long, then less often.
const UNREADABLE_RETRY_MS = 60_000;

/**
 * Hashes one pending file in the worker pool and records the result, but only for the version that
 * was hashed: a file that changed while being read is queued again, never recorded with a stale hash.
 * A small file's bytes are kept in `context.bodies` (when it has room) for its upload to send.
 */
export async function hashPendingFile(
  context: HashContext,
  file: LocalFile,
  signal?: AbortSignal,
): Promise<HashOutcome> {
  const { clock } = context;
  const files = context.state.files;
  const absolutePath = join(context.root, ...file.path.split('/'));
  const settings = context.settings;
  const partBytes =
    settings === undefined ? undefined : plannedPartBytes({ ...context, settings }, file.size);
  const result = await context.hasher.hash(
    {
      absolutePath,
      sha256: context.provider.info.needsSha256,
      expected: { size: file.size, mtimeMs: file.mtimeMs, inode: file.inode },
      ...(context.bodies !== undefined ? { keepBodyUpTo: SMALL_BODY_BYTES } : {}),
      ...(partBytes !== undefined ? { partBytes } : {}),
    },
    signal,
  );
  const now = clock.now();
  switch (result.status) {
    case 'hashed': {
      if (!files.recordHash(file.path, result.stat, result.md5, result.sha256, now)) return 'requeued';
      if (
        file.remoteKey !== null &&
        file.syncedMd5 === result.md5 &&
        // Touched but not changed (same bytes): the remote already has it, if the mirror still
        // lists that copy as it was; if not, the uploader asks the remote or reports a conflict.
        files.reconfirmSynced(file.path, result.md5, now)
      ) {
        return 'unchanged-content';
      }
      // Kept only for a file that waits for its upload: the row goes with it (PartHashes.prune).
      if (result.parts !== undefined)
        context.state.partHashes.keep(file.path, result.stat, result.md5, result.parts);
      if (result.body !== undefined)
        context.bodies?.keep(file.path, { md5: result.md5, stat: result.stat, bytes: result.body });
      return 'hashed';
    }
    case 'changed': {
      const stat = await lstat(absolutePath).catch(() => null);
      if (stat === null || !stat.isFile()) {
        if (files.markDeleted(file.path, now)) context.vanished(file.path, 'Deleted while it was being read');
        return 'deleted';
      }
      files.markSeen(
        file.path,
        file.remoteName,
        { size: stat.size, mtimeMs: stat.mtimeMs, inode: stat.ino },
        now,
      );
      return 'requeued';
    }
    case 'missing':
      // Gone between the scan and the read: said, so counts and the log agree.
      if (files.markDeleted(file.path, now)) context.vanished(file.path, 'Deleted before it could be read');
      return 'deleted';
    case 'unreadable': {
      const message = result.message;
      const attempts = file.attempts + 1;
      files.setState(file.path, 'retrying', now, {
        message,
        category: 'local-file',
        reason: 'unreadable',
        attempts,
        retryAt: now + UNREADABLE_RETRY_MS * Math.min(32, 2 ** (attempts - 1)),
      });
      // Said once: a retry that fails for the same reason adds nothing to the log.
      if (file.lastError !== message)
        context.report(
          'failed',
          file.path,
          `${message.replace(/\.$/, '')}; Hoist will try again`,
          result.code,
        );
      return 'unreadable';
    }
  }
}
