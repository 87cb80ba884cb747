import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { HoistApp } from '../../electron/host/hoist-app.js';
import { openPair } from '../../electron/host/open-pair.js';
import { SessionCredentialStore } from '../../electron/host/web/session-credentials.js';
import {
  folderRows,
  runFolderCommand,
  watchFolderRows,
} from '../../electron/main/core-process/core-folders.js';
import type { CoreFolderRow } from '../../electron/main/core-process/core-protocol.js';
import { parseCoreToMain } from '../../electron/main/core-process/core-protocol.js';
import { folderPathFor } from '../../electron/main/menu/menu-actions.js';
import { foldersTrayModel } from '../../electron/main/tray/folders-tray-model.js';
import type { TrayMenuItem } from '../../electron/main/tray/tray-model.js';
import { until } from '../support/poll-until.js';
import { makeTempDir } from '../support/temp-dir.js';

// Issue 17, the tray: the core process reports every configured folder to main (a real app core with
// two folders on the embedded remote, and one that cannot open), and a folder's own tray actions act
// on that folder only.

let temp: { path: string; remove: () => Promise<void> };
let app: HoistApp | null = null;
let unwatch: (() => void) | null = null;

beforeEach(async () => {
  temp = await makeTempDir('hoist-core-folders-');
});

afterEach(async () => {
  unwatch?.();
  unwatch = null;
  await app?.close();
  app = null;
  await temp.remove();
});

async function startApp(): Promise<{ notes: string; contracts: string; gone: string }> {
  const dataRoot = join(temp.path, 'data');
  const notes = join(temp.path, 'Notes');
  const contracts = join(temp.path, 'Contracts');
  const gone = join(temp.path, 'Gone');
  await mkdir(notes, { recursive: true });
  await mkdir(contracts, { recursive: true });
  await writeFile(join(notes, 'a.txt'), 'notes');
  await writeFile(join(contracts, 'b.txt'), 'contracts');
  await mkdir(dataRoot, { recursive: true });
  const folders = [notes, contracts, gone].map((folder, index) => ({
    folder,
    provider: 'local',
    remoteFolder: `R${index}`,
  }));
  await writeFile(join(dataRoot, 'app.json'), JSON.stringify({ folders }));
  app = new HoistApp({ dataRoot, credentials: new SessionCredentialStore(undefined), openPair });
  await app.start();
  return { notes, contracts, gone };
}

const rowOf = (rows: readonly CoreFolderRow[], path: string): CoreFolderRow => {
  const row = rows.find((candidate) => candidate.path === path);
  if (!row) throw new Error(`no row for ${path}`);
  return row;
};

const submenuOf = (items: readonly TrayMenuItem[], name: string): TrayMenuItem[] => {
  const menu = items.find((item) => item.kind === 'submenu' && item.label.startsWith(`${name} — `));
  if (!menu || menu.kind !== 'submenu') throw new Error(`no submenu for ${name}`);
  return menu.items;
};

describe('the core reports every folder to the tray', () => {
  it("sends each configured folder's row (a folder that failed to open with its reason), and the tray shows a submenu for each", async () => {
    const { notes, contracts, gone } = await startApp();
    let latest: CoreFolderRow[] = [];
    unwatch = watchFolderRows(app!, (rows) => (latest = rows));
    // Right away, before anything opened: every folder is listed.
    expect(latest.map((row) => row.path)).toEqual([notes, contracts, gone]);
    await app!.ready();
    await until('both folders are up to date and the missing one says why', () => {
      const states = latest.map((row) => row.status?.state ?? row.openError);
      return states[0] === 'idle' && states[1] === 'idle' && typeof states[2] === 'string';
    });
    expect(latest.map((row) => row.name)).toEqual(['Notes', 'Contracts', 'Gone']);
    expect(rowOf(latest, gone).status).toBeNull();
    expect(rowOf(latest, notes).status?.folder).toBe(notes);
    // What main receives parses as the protocol says (it crosses a process boundary as a message).
    const message = parseCoreToMain(JSON.parse(JSON.stringify({ type: 'status', folders: latest })));
    expect(message?.type === 'status' && message.folders.map((row) => row.id)).toEqual(
      latest.map((row) => row.id),
    );

    const tray = foldersTrayModel({ folders: latest, core: 'running', now: Date.now(), formatTime: String });
    expect(tray.status).toBe('Needs attention: Gone');
    const contractsMenu = submenuOf(tray.items, 'Contracts');
    const contractsId = rowOf(latest, contracts).id;
    expect(contractsMenu).toContainEqual(
      expect.objectContaining({ action: 'open-folder', folder: contractsId }),
    );
    // "Open folder" in the Contracts submenu opens Contracts; without an id, the first folder.
    expect(folderPathFor(latest, contractsId)).toBe(contracts);
    expect(folderPathFor(latest)).toBe(notes);
    expect(folderPathFor(latest, 'no-such-id')).toBe('');
  });

  it("a folder's own pause pauses only that folder; without an id, resume acts on every folder", async () => {
    const { notes, contracts } = await startApp();
    await app!.ready();
    const rows = folderRows(app!);
    const notesId = rowOf(rows, notes).id;
    let latest = rows;
    unwatch = watchFolderRows(app!, (next) => (latest = next), 0);

    await runFolderCommand(app!, 'pause', null, notesId);
    await until('the pause reaches the rows', () => rowOf(latest, notes).status?.paused === true);
    expect(rowOf(folderRows(app!), contracts).status?.paused).toBe(false);

    await runFolderCommand(app!, 'pause', null);
    expect(folderRows(app!).map((row) => row.status?.paused ?? null)).toEqual([true, true, null]);
    await runFolderCommand(app!, 'resume', null);
    expect(folderRows(app!).map((row) => row.status?.paused ?? null)).toEqual([false, false, null]);

    // A folder that is not open is an error saying so; the others are untouched.
    await expect(runFolderCommand(app!, 'pause', null, 'no-such-id')).rejects.toThrow(/no-such-id/);
    expect(folderRows(app!).map((row) => row.status?.paused ?? null)).toEqual([false, false, null]);
  });
});
