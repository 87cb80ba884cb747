import { describe, expect, it } from 'vitest';
import { BridgeClient, type BridgeTransport } from '../../shared/bridge/bridge-client.js';
import type { AppView, FolderView, StatusView } from '../../shared/bridge/contract.js';
import { AppStore } from '../../renderer/src/store/app-store.js';

/** A host on the other end of the renderer's bridge client: answers commands, sends events. */
class FakeHost implements BridgeTransport {
  readonly asked: string[] = [];
  private listener: ((message: unknown) => void) | null = null;
  constructor(private readonly answers: Record<string, () => unknown>) {}
  send(message: unknown): void {
    const { id, command } = message as { id: number; command: string };
    this.asked.push(command);
    const answer = this.answers[command];
    queueMicrotask(() => this.listener?.({ type: 'response', id, ok: true, result: answer?.() ?? null }));
  }
  onMessage(listener: (message: unknown) => void): () => void {
    this.listener = listener;
    return () => (this.listener = null);
  }
  event(event: string, payload: unknown): void {
    this.listener?.({ type: 'event', event, payload });
  }
}

const folder = (id: string, over: Partial<FolderView> = {}): FolderView => ({
  id,
  name: id,
  folder: `/home/ann/${id}`,
  provider: 'local',
  remoteUrl: null,
  label: 'This computer',
  canDelete: true,
  tokenSet: false,
  needsToken: false,
  remoteFolder: null,
  openError: null,
  opening: false,
  ...over,
});

const appView = (folders: FolderView[]): AppView => ({
  folders,
  theme: 'system',
  suggestedFolder: '/home/ann/Hoist',
  credentialStore: 'memory',
  desktop: null,
  canKeepTokenForSession: false,
  uploadsAtOnce: 4,
  bandwidthLimit: null,
});

const status = (paused: boolean): StatusView => ({ paused }) as StatusView;
const settle = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 0));

describe('the window’s store', () => {
  it('reads the app view and every folder’s status (one overview call) once connected', async () => {
    let app = appView([folder('notes'), folder('contracts'), folder('broken', { openError: 'gone' })]);
    const host = new FakeHost({
      'app.get': () => app,
      'overview.get': () => ({
        folders: app.folders.map((entry) => ({
          id: entry.id,
          name: entry.name,
          status: entry.openError ? null : status(entry.id === 'contracts'),
          openError: entry.openError,
        })),
      }),
    });
    const store = new AppStore();
    store.attach(new BridgeClient(host));
    expect(store.getState().app).toBeNull();
    store.setConnection('open');
    await settle();
    expect(store.getState().app?.folders.map((entry) => entry.id)).toEqual(['notes', 'contracts', 'broken']);
    expect(Object.keys(store.getState().statuses).sort()).toEqual(['contracts', 'notes']);
    expect(host.asked.filter((command) => command === 'status.get')).toEqual([]);

    // A reconnect reads everything again.
    store.setConnection('closed');
    store.setConnection('open');
    await settle();
    expect(host.asked.filter((command) => command === 'app.get')).toHaveLength(2);

    // A folder's status event changes that folder's status and leaves the other's object as it was.
    const before = store.getState().statuses;
    let renders = 0;
    const stop = store.subscribe(() => renders++);
    host.event('status', { folder: 'notes', status: status(true) });
    expect(store.getState().statuses.notes?.paused).toBe(true);
    expect(store.getState().statuses.contracts).toBe(before.contracts);
    expect(renders).toBe(1);
    stop();

    // A removed folder's status goes with it.
    app = appView([folder('contracts')]);
    host.event('app', app);
    expect(Object.keys(store.getState().statuses)).toEqual(['contracts']);
  });

  it('keeps a notice for a folder until it is replaced, whatever screens come and go', () => {
    const store = new AppStore();
    store.setNotice('/home/ann/notes', { ok: true, text: 'Syncing' });
    expect(store.getState().notices['/home/ann/notes']?.text).toBe('Syncing');
    store.setNotice('/home/ann/notes', null);
    expect(store.getState().notices).toEqual({});
  });
});
