import { mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import type { Page } from 'playwright';
import { expect as expectPage } from 'playwright/test';
import { describe, expect, it } from 'vitest';
import type { RemoteProvider } from '../../electron/engine/remote/remote-provider.js';
import { until } from '../support/poll-until.js';
import { startTestServer, TEST_USERS } from '../support/test-server.js';
import { uiTestLifecycle, type UiHarness } from './support/ui-harness.js';

// Several folders in one window (issue 17), in real Chromium against `hoist ui` and two real reference
// servers (two `hoist remote`s): every check of what was synced is made on the servers.

const UI_TIMEOUT = { timeout: 30_000 };
// A remote folder's separator on the remote (remote-names.ts): "Second/b.txt" is stored as this.
const SEP = '\u2215';

interface NewFolder {
  folder: string;
  /** The label in "Keep the copies on". */
  provider: 'This computer' | 'Alloy';
  url?: string;
  token?: string;
  remoteFolder?: string;
}

/** Add a folder, as a person does: the sidebar's link, the form, "Add and sync". */
async function addFolder(page: Page, added: NewFolder): Promise<void> {
  await page.getByRole('link', { name: 'Add a folder' }).click();
  await expectPage(page.getByRole('heading', { name: 'Add a folder' })).toBeVisible(UI_TIMEOUT);
  await page.getByRole('textbox', { name: 'Folder', exact: true }).fill(added.folder);
  await page.getByLabel('Keep the copies on').selectOption({ label: added.provider });
  if (added.url !== undefined) await page.getByLabel('Server URL').fill(added.url);
  if (added.token !== undefined) await page.getByLabel('API token').fill(added.token);
  if (added.remoteFolder !== undefined) {
    await page.getByLabel('Folder on the remote (empty: at the top)').fill(added.remoteFolder);
  }
  await page.getByRole('button', { name: 'Add and sync' }).click();
}

async function names(remote: RemoteProvider | Promise<RemoteProvider>): Promise<string[]> {
  return (await (await remote).list()).map((entry) => entry.name).sort();
}

/** The first folder (alice on the first server) and a second one on a second server, as bob on Alloy. */
async function twoFolders(ui: UiHarness): Promise<{ second: string; remote2: RemoteProvider }> {
  const server2 = await ui.startOtherServer();
  const second = await ui.otherFolder('second', { 'b1.txt': 'b1', 'docs/b2.txt': 'b2' });
  await expectPage(ui.main.getByText(/of 1 file synced|of 2 files synced/)).toBeVisible(UI_TIMEOUT);
  await addFolder(ui.page, {
    folder: second,
    provider: 'Alloy',
    url: server2.url,
    token: TEST_USERS.bob.token,
    remoteFolder: 'Second',
  });
  await expectPage(ui.main.getByText(`${second} → `)).toBeVisible(UI_TIMEOUT);
  return { second, remote2: await ui.remoteOn(server2, 'alloy', TEST_USERS.bob.token) };
}

describe('hoist ui: several folders', { timeout: 180_000 }, () => {
  const hoist = uiTestLifecycle();

  it('adds a second folder on another remote; both sync at once, each to its own server', async () => {
    hoist.secret(TEST_USERS.bob.token);
    const ui = await hoist.start({ files: { 'a1.txt': 'a1' } });
    const { page } = ui;
    const { remote2 } = await twoFolders(ui);
    // The new folder is chosen in the sidebar, beside the first; both are in a list named Folders.
    const sidebar = page.getByRole('navigation', { name: 'Hoist' });
    await expectPage(sidebar.getByRole('list', { name: /Folders/ }).getByRole('listitem')).toHaveCount(2);
    await expectPage(ui.folderLink('second')).toHaveAttribute('aria-current', 'page');
    await expectPage(ui.main.getByText(/2 of 2 files synced/)).toBeVisible(UI_TIMEOUT);
    await until(
      'the second folder is on the second server',
      async () =>
        (await names(remote2)).join() === [`Second${SEP}b1.txt`, `Second${SEP}docs${SEP}b2.txt`].join(),
    );

    // Both at once: a file in each folder, and each reaches its own server (and only that one).
    await ui.write('a2.txt', 'a2');
    await ui.otherFolder('second', { 'b3.txt': 'b3' });
    await until('a2.txt is on the first server', async () => (await names(ui.remote())).includes('a2.txt'));
    await until('b3.txt is on the second server', async () =>
      (await names(remote2)).includes(`Second${SEP}b3.txt`),
    );
    expect(await names(ui.remote())).toEqual(['a1.txt', 'a2.txt']);
    expect((await names(remote2)).some((name) => name.includes('a1'))).toBe(false);

    // All folders: totals across both, nothing needing attention, each folder with its state.
    await page.getByRole('link', { name: 'All folders' }).click();
    await expectPage(page.getByTestId('overview-totals')).toHaveText(
      /^2 folders · 5 of 5 files synced/,
      UI_TIMEOUT,
    );
    const table = ui.main.getByRole('table');
    await expectPage(table.getByRole('row', { name: /^folder / })).toContainText('Up to date', UI_TIMEOUT);
    await expectPage(table.getByRole('row', { name: /^second / })).toContainText('Alloy');
    await expectPage(ui.main.getByText('Nothing needs you: every folder is fine.')).toBeVisible();
    await ui.screenshot('folders-overview');

    // Pause all pauses both; Resume all resumes both.
    await page.getByRole('button', { name: 'Pause all' }).click();
    await expectPage(ui.folderLink('folder')).toHaveAccessibleName('folder, Paused', UI_TIMEOUT);
    await expectPage(ui.folderLink('second')).toHaveAccessibleName('second, Paused', UI_TIMEOUT);
    await ui.screenshot('folders-all-paused');
    await page.getByRole('button', { name: 'Resume all' }).click();
    await expectPage(ui.folderLink('folder')).toHaveAccessibleName('folder, Up to date', UI_TIMEOUT);
    await expectPage(ui.folderLink('second')).toHaveAccessibleName('second, Up to date', UI_TIMEOUT);

    // The upload budget is the app's, shared by both folders: App settings.
    await page.getByRole('link', { name: 'App settings' }).click();
    await page.getByLabel('Uploads at once, all folders together').fill('2');
    await page.getByRole('button', { name: 'Save uploads' }).click();
    await expectPage(page.getByRole('status').filter({ hasText: 'Every folder shares these' })).toBeVisible(
      UI_TIMEOUT,
    );
    await ui.screenshot('app-settings');

    // Remote files acts on the chosen folder; "Whole account" shows what others put there too.
    await ui.uploadFromElsewhere('from-elsewhere.txt', 'e');
    await ui.folderLink('folder').click();
    await page.getByRole('link', { name: 'Remote files', exact: true }).click();
    await page.getByRole('button', { name: 'Refresh' }).click();
    const grid = page.getByRole('grid', { name: 'Remote files' });
    await expectPage(grid.getByRole('row', { name: /a2\.txt/ })).toBeVisible(UI_TIMEOUT);
    await page.getByRole('radio', { name: 'Whole account' }).check();
    const account = page.getByRole('grid', { name: /^Every file on / });
    await expectPage(account.getByRole('row', { name: /from-elsewhere\.txt/ })).toBeVisible(UI_TIMEOUT);
    await expectPage(page.getByRole('button', { name: 'Delete…' })).toBeDisabled();
    await ui.screenshot('remote-files-account');
  });

  it('removes a folder: it stops syncing, its files and remote copies stay', async () => {
    hoist.secret(TEST_USERS.bob.token);
    const ui = await hoist.start({ files: { 'a1.txt': 'a1' } });
    const { page } = ui;
    const { second, remote2 } = await twoFolders(ui);
    await until('the second folder is on the second server', async () => (await names(remote2)).length === 2);

    await page.getByRole('link', { name: 'Settings', exact: true }).click();
    await page.getByRole('button', { name: 'Remove second…' }).click();
    const dialog = page.getByRole('alertdialog', { name: 'Remove second from Hoist?' });
    await expectPage(dialog).toContainText('Nothing is deleted');
    await expectPage(dialog).toContainText('their copies stay on Alloy');
    // Forgetting its state is a second, explicit choice: off until ticked.
    await expectPage(
      dialog.getByRole('checkbox', { name: /Also forget what Hoist knows/ }),
    ).not.toBeChecked();
    await expectPage(dialog.getByRole('button', { name: 'Cancel' })).toBeFocused();
    await ui.screenshot('folder-remove-confirm');
    await dialog.getByRole('button', { name: 'Remove folder' }).click();

    // Gone from the window; one folder left, syncing on.
    await expectPage(ui.folderLink('second')).toHaveCount(0, UI_TIMEOUT);
    await expectPage(page.getByRole('navigation', { name: 'Hoist' }).getByRole('listitem')).toHaveCount(1);
    await ui.screenshot('folders-after-remove');
    // Its remote copies and its files stay; a new file there is not uploaded any more.
    expect(await names(remote2)).toEqual([`Second${SEP}b1.txt`, `Second${SEP}docs${SEP}b2.txt`]);
    expect(await readFile(`${second}/b1.txt`, 'utf8')).toBe('b1');
    await ui.otherFolder('second', { 'after-remove.txt': 'x' });
    await ui.write('a2.txt', 'a2');
    await until('a2.txt is on the first server', async () => (await names(ui.remote())).includes('a2.txt'));
    expect(await names(remote2)).toEqual([`Second${SEP}b1.txt`, `Second${SEP}docs${SEP}b2.txt`]);
  });

  it('excludes a subfolder with a click: its later files never reach the remote; a click includes it again', async () => {
    const ui = await hoist.start({ files: { 'drafts/d1.txt': 'd1', 'keep.txt': 'k' } });
    const { page } = ui;
    await expectPage(ui.main.getByText(/2 of 2 files synced/)).toBeVisible(UI_TIMEOUT);
    await page.getByRole('link', { name: 'Settings', exact: true }).click();
    const section = page.getByRole('region', { name: 'Choose what syncs' });
    const drafts = section.getByRole('checkbox', { name: 'drafts' });
    await expectPage(drafts).toBeChecked(UI_TIMEOUT);
    await drafts.uncheck();
    await expectPage(section.getByRole('status')).toHaveText(/drafts is no longer synced/, UI_TIMEOUT);
    await expectPage(drafts).not.toBeChecked();
    await section.scrollIntoViewIfNeeded();
    await ui.screenshot('settings-choose-what-syncs');
    // The rule is in the folder's .hoistignore, where a person can read and edit it.
    expect(await readFile(ui.path('.hoistignore'), 'utf8')).toMatch(/drafts/);

    await ui.write('drafts/d2.txt', 'd2');
    await ui.write('later.txt', 'l');
    await until('later.txt is on the remote', async () => (await names(ui.remote())).includes('later.txt'));
    // The excluded subfolder's new file never went; its earlier copy stays on the remote.
    const remote = await names(ui.remote());
    expect(remote).not.toContain(`drafts${SEP}d2.txt`);
    expect(remote).toContain(`drafts${SEP}d1.txt`);

    // A file type, left out and taken back with clicks.
    await section.getByRole('textbox', { name: 'Leave out a file type' }).fill('mp4');
    await section.getByRole('button', { name: 'Leave out' }).nth(1).click();
    await expectPage(section.getByRole('button', { name: 'Sync .mp4 files again' })).toBeVisible(UI_TIMEOUT);
    await ui.write('clip.mp4', 'video');
    await section.getByRole('button', { name: 'Sync .mp4 files again' }).click();
    await expectPage(section.getByText('Every file type syncs.')).toBeVisible(UI_TIMEOUT);

    await drafts.check();
    await expectPage(drafts).toBeChecked(UI_TIMEOUT);
    await until('drafts/d2.txt and clip.mp4 are uploaded once included again', async () => {
      const now = await names(ui.remote());
      return now.includes(`drafts${SEP}d2.txt`) && now.includes('clip.mp4');
    });
  });

  it('one folder without a working token shows why and what to do while the other syncs; a token fixes it', async () => {
    // The second server knows only bob, and no token is kept for it: the folder cannot open until one is.
    const server2 = await startTestServer({ users: [TEST_USERS.bob] });
    hoist.cleanup(server2.close);
    hoist.secret(TEST_USERS.bob.token);
    const ui = await hoist.start({
      withFolder: false,
      beforeStart: async ({ dataRoot, folder, remoteUrl }) => {
        await mkdir(`${folder}-bad`, { recursive: true });
        await writeFile(`${folder}-bad/b.txt`, 'b');
        await writeFile(`${folder}/a1.txt`, 'a1');
        await writeFile(
          `${dataRoot}/app.json`,
          JSON.stringify({
            folders: [
              { folder, provider: 'local', remoteUrl },
              { folder: `${folder}-bad`, provider: 'alloy', remoteUrl: server2.url },
            ],
          }),
        );
      },
    });
    const { page } = ui;
    await expectPage(ui.folderLink('folder-bad')).toHaveAccessibleName(
      /^folder-bad, (Could not open|Needs attention)$/,
      UI_TIMEOUT,
    );
    await expectPage(ui.folderLink('folder')).toHaveAccessibleName('folder, Up to date', UI_TIMEOUT);
    // All folders (several folders open there) names it under Needs attention, with the way there.
    const attention = page.getByRole('region', { name: 'Needs attention' });
    await expectPage(attention.getByText('folder-bad', { exact: true })).toBeVisible(UI_TIMEOUT);
    await expectPage(attention).toContainText(/API token/);
    await ui.screenshot('folders-overview-attention');

    // The other folder syncs on meanwhile.
    await ui.write('a2.txt', 'a2');
    await until('the other folder syncs on', async () => (await names(ui.remote())).includes('a2.txt'));

    await attention.getByRole('button', { name: 'Open folder-bad' }).click();
    await expectPage(ui.main.getByRole('alert').first()).toContainText(/API token/, UI_TIMEOUT);
    await ui.screenshot('folder-token-rejected');
    await page.getByRole('link', { name: 'Settings', exact: true }).click();
    await page.getByLabel('API token').fill(TEST_USERS.bob.token);
    await page.getByRole('button', { name: /^Save (token|and sync)$/ }).click();
    await expectPage(ui.folderLink('folder-bad')).toHaveAccessibleName('folder-bad, Up to date', UI_TIMEOUT);
    const remote2 = await ui.remoteOn(server2, 'alloy', TEST_USERS.bob.token);
    await until('folder-bad’s file is on the second server', async () =>
      (await names(remote2)).includes('b.txt'),
    );
  });

  it('refuses to add a folder whose token the remote rejects, saying so; nothing changes', async () => {
    const wrong = 'wrong-token-3c9f10';
    hoist.secret(wrong);
    const ui = await hoist.start({ files: { 'a1.txt': 'a1' } });
    const server2 = await ui.startOtherServer();
    const bad = await ui.otherFolder('bad', { 'b.txt': 'b' });
    await expectPage(ui.main.getByText(/1 of 1 file synced/)).toBeVisible(UI_TIMEOUT);
    await addFolder(ui.page, { folder: bad, provider: 'Alloy', url: server2.url, token: wrong });
    await expectPage(ui.main.getByRole('alert')).toHaveText(
      /rejected the API token.*Nothing was changed/,
      UI_TIMEOUT,
    );
    await expectPage(ui.page.getByRole('navigation', { name: 'Hoist' }).getByRole('listitem')).toHaveCount(1);
    await ui.screenshot('folder-add-token-rejected');
  });

  it('a folder that is gone shows its reason and what to do; the others open', async () => {
    const ui = await hoist.start({
      withFolder: false,
      beforeStart: async ({ dataRoot, folder, remoteUrl }) => {
        await mkdir(`${folder}`, { recursive: true });
        await writeFile(
          `${dataRoot}/app.json`,
          JSON.stringify({
            folders: [
              { folder, provider: 'local', remoteUrl },
              { folder: `${folder}-missing`, provider: 'local', remoteUrl, remoteFolder: 'Missing' },
            ],
          }),
        );
      },
    });
    await expectPage(ui.folderLink('folder-missing')).toHaveAccessibleName(
      'folder-missing, Could not open',
      UI_TIMEOUT,
    );
    await expectPage(ui.folderLink('folder')).toHaveAccessibleName('folder, Up to date', UI_TIMEOUT);
    await ui.folderLink('folder-missing').click();
    const alert = ui.main.getByRole('alert');
    await expectPage(alert).toContainText('folder-missing could not be opened.');
    await expectPage(alert).toContainText('The other folders keep syncing.');
    await expectPage(alert.getByRole('button', { name: 'Open settings' })).toBeVisible();
    await ui.screenshot('folder-open-failed');
    await expect(stat(`${ui.folder}-missing`)).rejects.toThrow();
  });

  it('100 folders: the sidebar lists them all, scrolls, and is one tab stop the arrow keys move through', async () => {
    const ui = await hoist.start({
      withFolder: false,
      beforeStart: async ({ dataRoot, folder, remoteUrl }) => {
        const folders = [];
        for (let n = 0; n < 100; n++) {
          const name = `f${String(n).padStart(3, '0')}`;
          await mkdir(`${folder}/${name}`, { recursive: true });
          // Each under its own remote folder: two folders may not share a remote and remote folder.
          folders.push({ folder: `${folder}/${name}`, provider: 'local', remoteUrl, remoteFolder: name });
        }
        await writeFile(`${folder}/f042/note.txt`, 'n');
        await writeFile(`${dataRoot}/app.json`, JSON.stringify({ folders }));
      },
    });
    const { page } = ui;
    const list = page.getByRole('navigation', { name: 'Hoist' }).getByRole('list', { name: /Folders/ });
    await expectPage(list.getByRole('listitem')).toHaveCount(100, { timeout: 60_000 });
    await expectPage(ui.folderLink('f099')).toHaveAccessibleName('f099, Up to date', { timeout: 60_000 });
    await expectPage(page.getByTestId('overview-totals')).toHaveText(/^100 folders · 1 of 1 file synced/, {
      timeout: 60_000,
    });
    await ui.screenshot('folders-100');

    // One tab stop for the whole list: Tab from "All folders" lands on the first folder, the next Tab
    // leaves the list; End and the arrows move within it, scrolling the list.
    await page.getByRole('link', { name: 'All folders' }).focus();
    await page.keyboard.press('Tab');
    await expectPage(ui.folderLink('f000')).toBeFocused();
    await page.keyboard.press('End');
    await expectPage(ui.folderLink('f099')).toBeFocused();
    await expectPage(ui.folderLink('f099')).toBeInViewport();
    await page.keyboard.press('ArrowUp');
    await expectPage(ui.folderLink('f098')).toBeFocused();
    await page.keyboard.press('Tab');
    await expectPage(page.getByRole('link', { name: 'Add a folder' })).toBeFocused();
    await page.keyboard.press('Shift+Tab');
    await page.keyboard.press('Home');
    await page.keyboard.press('ArrowDown');
    await expectPage(ui.folderLink('f001')).toBeFocused();
    // Enter opens it: its Sync screen, and the list's tab stop is that folder now.
    await page.keyboard.press('End');
    await page.keyboard.press('Enter');
    await expectPage(ui.folderLink('f099')).toHaveAttribute('aria-current', 'page');
    await expectPage(ui.main.getByText(`${ui.folder}/f099 → `)).toBeVisible(UI_TIMEOUT);
    await expectPage(ui.folderLink('f099')).toHaveAttribute('tabindex', '0');
    await ui.screenshot('folders-100-last');
  });

  it('says it is loading until the host answers, then shows the folders', async () => {
    // The host's messages wait until the screenshot is taken: "loading" is then a state, not a race.
    let release: () => void = () => undefined;
    const held = new Promise<void>((resolve) => (release = resolve));
    const ui = await hoist.start({
      files: { 'a.txt': 'a' },
      beforeOpen: (page) =>
        page.routeWebSocket(/\/bridge$/, (socket) => {
          const server = socket.connectToServer();
          server.onMessage((message) => void held.then(() => socket.send(message)));
        }),
    });
    await expectPage(ui.page.getByRole('status')).toHaveText('Loading Hoist…', UI_TIMEOUT);
    await ui.screenshot('loading');
    release();
    await expectPage(ui.page.getByTestId('status-text')).toHaveText('Up to date', UI_TIMEOUT);
  });
});
