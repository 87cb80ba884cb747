/**
 * The app core alone in its own process, as `hoist ui --no-open` runs it (startAppCore over a
 * session credential store, every folder on the embedded remote), so folders.bench measures the
 * app's own RSS: `node folders-child.js <dataRoot> <folderCount>`. The data root's app.json lists
 * the folders. Driven through its bridge with the window's own requests (as
 * test/integration/shared-keychain.test.ts does), it prints one JSON line per milestone, each with
 * `ms` since this process started (performance.now()): `core` (startAppCore returned), `overview`
 * (overview.get lists every folder), `rows` (remote.page of the first folder has rows), `open`
 * (every folder has a status), `idle` (every folder's state is idle). It stays up until SIGTERM,
 * then closes the core.
 */
import { performance } from 'node:perf_hooks';
import type { HostMessage, OverviewView, StatusView } from '../../../shared/bridge/contract.js';
import type { RemoteBrowsePage } from '../../../shared/remote-browse.js';
import { startAppCore } from '../../../electron/host/app-core.js';
import { SessionCredentialStore } from '../../../electron/host/web/session-credentials.js';
import { sleep } from './timing.js';

export type FoldersMilestone = 'core' | 'overview' | 'rows' | 'open' | 'idle';

const POLL_MS = 100;

function emit(event: FoldersMilestone | 'error', extra: Record<string, unknown> = {}): void {
  console.log(JSON.stringify({ event, ms: Math.round(performance.now()), ...extra }));
}

async function main(): Promise<void> {
  const [dataRoot, countText] = process.argv.slice(2);
  const count = Number(countText);
  if (dataRoot === undefined || !(count > 0))
    throw new Error('usage: folders-child <dataRoot> <folderCount>');
  const core = await startAppCore({
    dataRoot,
    credentials: new SessionCredentialStore(undefined),
    // Per-file lines would cost the bench's parent CPU; only trouble is passed on.
    log: (line) => {
      if (/error|fail|warn|refus/i.test(line)) console.error(line);
    },
  });
  emit('core');
  let stopping = false;
  process.once('SIGTERM', () => {
    stopping = true;
    void core.close().finally(() => process.exit(0));
  });

  const waiting = new Map<number, (message: { ok: boolean; result?: unknown; error?: unknown }) => void>();
  // The bridge sends HostMessage values (shared/bridge/contract.ts); its Send type says unknown.
  const connection = core.bridge.connect((sent) => {
    const message = sent as HostMessage;
    if (message.type === 'response' && message.id !== null) waiting.get(message.id)?.(message);
  });
  let next = 1;
  const call = async <T>(command: string, payload: unknown): Promise<T> => {
    const id = next++;
    const answer = await new Promise<{ ok: boolean; result?: unknown; error?: unknown }>((resolve) => {
      waiting.set(id, resolve);
      connection.receive(JSON.stringify({ type: 'request', id, command, payload }));
    });
    waiting.delete(id);
    if (!answer.ok) throw new Error(`${command} refused: ${JSON.stringify(answer.error)}`);
    return answer.result as T;
  };

  const seen = new Set<FoldersMilestone>();
  const mark = (event: FoldersMilestone, extra: Record<string, unknown> = {}): void => {
    if (seen.has(event)) return;
    seen.add(event);
    emit(event, extra);
  };
  while (!stopping && !seen.has('idle')) {
    const overview = await call<OverviewView>('overview.get', {});
    if (overview.folders.length >= count) mark('overview', { folders: overview.folders.length });
    const first = overview.folders[0];
    if (first !== undefined && !seen.has('rows') && first.status !== null) {
      try {
        const page = await call<RemoteBrowsePage>('remote.page', { folder: first.id, offset: 0, limit: 100 });
        if (page.items.length > 0) mark('rows', { rows: page.items.length, total: page.total });
      } catch {
        // Not open enough to list yet: asked again on the next round.
      }
    }
    const errors = overview.folders.filter((folder) => folder.openError !== null);
    if (errors.length > 0) emit('error', { openErrors: errors.map((folder) => folder.openError) });
    const statuses = overview.folders.map((folder) => folder.status);
    if (overview.folders.length >= count && statuses.every((status) => status !== null)) mark('open');
    if (
      overview.folders.length >= count &&
      statuses.every(
        (status) => status?.state === 'idle' && status.counts.pending === 0 && status.counts.uploading === 0,
      ) &&
      seen.has('rows')
    ) {
      // status.get per folder too: overview.get's counts are what the window's list shows.
      const perFolder = await Promise.all(
        overview.folders.map((folder) => call<StatusView>('status.get', { folder: folder.id })),
      );
      mark('idle', {
        files: statuses.reduce((sum, status) => sum + (status?.counts.synced ?? 0), 0),
        statusGet: perFolder.map((status) => ({ state: status.state, counts: status.counts })),
      });
    }
    await sleep(POLL_MS);
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
  process.exit(1);
});
