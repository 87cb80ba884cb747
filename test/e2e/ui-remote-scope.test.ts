import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { expect as expectPage } from 'playwright/test';
import { describe, expect, it } from 'vitest';
import { until } from '../support/poll-until.js';
import { uiTestLifecycle } from './support/ui-harness.js';

// Issue 17 in real Chromium against `hoist ui` and a real reference server: Remote files shows the
// chosen folder's remote folder or the whole account of its remote, and a file's row in the Sync
// screen leaves its subfolder (or the file, or its type) out of syncing.

const UI_TIMEOUT = { timeout: 30_000 };
// A remote folder's separator in remote names (remote-names.ts): "Notes/a.txt" is stored as this.
const SEP = '\u2215';

describe('hoist ui: whose remote files, and leaving files out', { timeout: 180_000 }, () => {
  const hoist = uiTestLifecycle();

  it("switches Remote files between the folder's own remote folder and the whole account", async () => {
    const ui = await hoist.start({
      files: { 'a.txt': 'alpha' },
      // Two folders on one remote, each under its own remote folder.
      beforeStart: async ({ dataRoot, folder, remoteUrl }) => {
        await mkdir(`${folder}-contracts`, { recursive: true });
        await writeFile(`${folder}-contracts/c.txt`, 'gamma');
        await writeFile(
          `${dataRoot}/app.json`,
          JSON.stringify({
            folders: [
              { folder, provider: 'local', remoteUrl, remoteFolder: 'Notes' },
              { folder: `${folder}-contracts`, provider: 'local', remoteUrl, remoteFolder: 'Contracts' },
            ],
          }),
        );
      },
    });
    const { page } = ui;
    await expectPage(ui.folderLink('folder')).toHaveAccessibleName('folder, Up to date', UI_TIMEOUT);
    await expectPage(ui.folderLink('folder-contracts')).toHaveAccessibleName(
      'folder-contracts, Up to date',
      UI_TIMEOUT,
    );
    await ui.uploadFromElsewhere('from-the-phone.txt', 'sent from elsewhere');
    await until('both folders are on the remote', async () => {
      const names = (await ui.remoteEntries()).map((entry) => entry.name);
      return names.includes(`Notes${SEP}a.txt`) && names.includes(`Contracts${SEP}c.txt`);
    });

    await ui.folderLink('folder').click();
    await page.getByRole('link', { name: 'Remote files', exact: true }).click();
    await page.getByRole('button', { name: 'Refresh' }).click();
    await expectPage(page.getByRole('main').getByText('Listed just now')).toBeVisible(UI_TIMEOUT);
    // Only this folder: its own file, by its path under "Notes"; nothing of the other folder or the phone.
    const grid = page.getByRole('grid', { name: 'Remote files' });
    const firstCells = (name: string | RegExp) =>
      page.getByRole('grid', { name }).locator('[role="row"][aria-rowindex] [role="gridcell"]:first-child');
    await expectPage(firstCells('Remote files')).toHaveText(['a.txt'], UI_TIMEOUT);
    await expectPage(page.getByRole('status').getByText('1 file', { exact: true })).toBeVisible();
    await expectPage(page.getByText('What this folder keeps in “Notes” on ')).toBeVisible();
    await expectPage(page.getByRole('radio', { name: 'Only this folder' })).toBeChecked();
    await ui.screenshot('remote-scope-folder');

    // The whole account, by keyboard: the other folder's file and the phone's too, as the remote names them.
    await page.getByRole('radio', { name: 'Only this folder' }).focus();
    await page.keyboard.press('ArrowRight');
    await expectPage(page.getByRole('radio', { name: 'Whole account' })).toBeChecked();
    const account = /^Every file on /;
    await expectPage(firstCells(account)).toHaveText(
      ['Contracts/c.txt', 'from-the-phone.txt', 'Notes/a.txt'],
      UI_TIMEOUT,
    );
    await expectPage(page.getByRole('status').getByText('3 files', { exact: true })).toBeVisible();
    await expectPage(page.getByText(/this folder's, your other folders' and other devices'/)).toBeVisible();
    // The account is for looking: deleting stays with each folder's own files.
    await expectPage(page.getByRole('button', { name: 'Delete…' })).toBeDisabled();
    await ui.screenshot('remote-scope-account');

    // A search looks in what the scope shows.
    await page.getByRole('searchbox', { name: 'Search files' }).fill('phone');
    await expectPage(firstCells(account)).toHaveText(['from-the-phone.txt'], UI_TIMEOUT);
    await page.getByRole('radio', { name: 'Only this folder' }).check();
    await expectPage(page.getByText('No remote files match.')).toBeVisible(UI_TIMEOUT);
    await expectPage(grid).toHaveCount(0);
  });

  it("leaves a file's subfolder out from its row in the Sync screen: later files there never reach the remote, earlier copies stay", async () => {
    const ui = await hoist.start({ files: { 'docs/a.md': 'a', 'videos/raw/clip.mp4': 'clip' } });
    const { page } = ui;
    await expectPage(ui.folderLink('folder')).toHaveAccessibleName('folder, Up to date', UI_TIMEOUT);
    const activity = page.getByRole('list', { name: 'Activity, newest first' });
    const leaveOut = activity.getByRole('button', { name: 'Leave out… videos/raw/clip.mp4' });
    await expectPage(leaveOut).toBeVisible(UI_TIMEOUT);
    await ui.screenshot('sync-leave-out-rows');
    // By keyboard: the row's button takes focus and Enter opens the choice.
    await leaveOut.focus();
    await page.keyboard.press('Enter');
    const dialog = page.getByRole('dialog', { name: 'Leave out of syncing' });
    await expectPage(dialog).toBeVisible();
    const choices = dialog.getByRole('group', { name: 'What should Hoist stop syncing?' }).getByRole('radio');
    await expectPage(choices).toHaveCount(4);
    await expectPage(dialog.getByRole('radio', { name: 'The folder videos/raw' })).toBeChecked();
    await expectPage(dialog.getByRole('radio', { name: 'Every .mp4 file' })).toBeVisible();
    await expectPage(dialog.getByText(/Copies already on .* stay there until you delete them/)).toBeVisible();
    await dialog.getByRole('radio', { name: 'The folder videos', exact: true }).check();
    await ui.screenshot('leave-out-dialog');
    await dialog.getByRole('button', { name: 'Leave out the folder videos' }).click();
    const done = page.getByRole('alertdialog', { name: 'Leave out of syncing' });
    await expectPage(done.getByRole('status')).toHaveText(
      /^Hoist no longer syncs the folder videos\./,
      UI_TIMEOUT,
    );
    await ui.screenshot('leave-out-done');
    await done.getByRole('button', { name: 'Close' }).click();
    await expectPage(done).toHaveCount(0);
    // Focus goes back where it was.
    await expectPage(leaveOut).toBeFocused();

    // One rule in .hoistignore, as Settings writes it; the later files under videos never go.
    expect(await readFile(ui.path('.hoistignore'), 'utf8')).toMatch(/^\/?videos\/?$/m);
    await ui.write('videos/new.mp4', 'new');
    await ui.write('docs/b.md', 'b');
    await until('docs/b.md is on the remote', async () =>
      (await ui.remoteEntries()).some((entry) => entry.name === `docs${SEP}b.md`),
    );
    const names = (await ui.remoteEntries()).map((entry) => entry.name).sort();
    expect(names).toEqual([`docs${SEP}a.md`, `docs${SEP}b.md`, `videos${SEP}raw${SEP}clip.mp4`]);
  });
});
