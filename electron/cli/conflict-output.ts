import { formatBytes } from '../../shared/format-bytes.js';
import type { ConflictView } from '../../shared/sync-types.js';
import type { OpenedPair } from '../host/open-pair.js';
import { originOfKey } from '../host/sibling-pairs.js';
import type { CommandIo } from './remote-command.js';
import { printable } from './terminal-wording.js';

/** Each conflict with both sides and the command that resolves it (stderr: it needs the user). */
export function printConflicts(
  conflicts: readonly ConflictView[],
  pair: OpenedPair,
  folder: string,
  io: CommandIo,
): void {
  if (conflicts.length === 0) return;
  io.err(
    `In conflict (${conflicts.length}), not uploaded so that nothing this folder did not put there is overwritten:`,
  );
  for (const conflict of conflicts) {
    io.err(`  ${printable(conflict.path)}${conflict.ignored ? ' (ignored)' : ''}: ${conflict.message}`);
    io.err(`    here:   ${formatBytes(conflict.local.size)}, modified ${utc(conflict.local.modifiedAt)}`);
    if (conflict.otherPath !== null)
      io.err(
        `    other:  ${printable(conflict.otherPath)} (same remote name “${printable(conflict.remoteName)}”)`,
      );
    if (conflict.remote !== null) {
      const origin = conflict.remote.origin ?? originOfKey(pair.siblings, conflict.remote.key);
      const size =
        conflict.remote.size === null ? 'size not given by the remote' : formatBytes(conflict.remote.size);
      const date =
        conflict.remote.lastModified === null ? '' : `, changed ${utc(conflict.remote.lastModified)}`;
      io.err(
        `    remote: ${size}${date}, ${origin ?? 'not uploaded from this folder'} [${conflict.remote.key}]`,
      );
    }
  }
  io.err(
    `Resolve with: hoist resolve ${shellQuote(folder)} <path> --keep-both | --replace | --ignore (or --all instead of paths)`,
  );
}

function utc(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

function shellQuote(text: string): string {
  return /^[\w./-]+$/.test(text) ? text : `'${text.replace(/'/g, `'\\''`)}'`;
}
