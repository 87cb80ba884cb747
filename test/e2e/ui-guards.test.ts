import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { expect as expectPage } from 'playwright/test';
import { describe, expect, it } from 'vitest';
import { until } from '../support/poll-until.js';
import { makeTempDir } from '../support/temp-dir.js';
import { uiTestLifecycle } from './support/ui-harness.js';

// Generous: a watcher, an upload and a browser on a loaded two-core machine; never a speed check.
const UI_TIMEOUT = { timeout: 30_000 };

describe('hoist ui: dangerous choices are refused or asked first', { timeout: 120_000 }, () => {
  const hoist = uiTestLifecycle();

  it('Add a folder refuses /, the home folder, a file and the same folder twice with a sentence; the folder syncing now goes on', async () => {
    const home = await makeTempDir('hoist-home-');
    hoist.cleanup(home.remove);
    const ui = await hoist.start({ files: { 'kept.txt': 'k' }, env: { HOME: home.path } });
    const { page } = ui;
    await expectPage(page.getByRole('main').getByText(/1 of 1 file synced/)).toBeVisible(UI_TIMEOUT);
    await page.getByRole('link', { name: 'Add a folder' }).click();
    const folder = page.getByRole('textbox', { name: 'Folder', exact: true });
    const refusal = page.getByRole('alert');
    const cases: Array<[string, RegExp, string]> = [
      ['/', /^\/ is the whole disk: Hoist syncs one folder of your files, not the system/, 'refused-root'],
      [home.path, /is your whole home folder .*choose a folder inside it/, 'refused-home'],
      [join(ui.folder, 'kept.txt'), /kept\.txt is a file, not a folder/, 'refused-file'],
      // Refused with a sentence naming the folder already synced.
      [ui.folder, new RegExp(ui.folder.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')), 'refused-same-folder'],
    ];
    for (const [path, sentence, shot] of cases) {
      await folder.fill(path);
      await page.getByRole('button', { name: 'Add and sync' }).click();
      await expectPage(refusal).toHaveText(sentence, UI_TIMEOUT);
      await ui.screenshot(shot);
    }
    // Nothing changed: the same folder, alone, still syncs.
    await expectPage(page.getByRole('navigation', { name: 'Hoist' }).getByRole('listitem')).toHaveCount(1);
    await ui.write('after.txt', 'a');
    await ui.folderLink('folder').click();
    await expectPage(page.getByRole('main').getByText(`${ui.folder} → `)).toBeVisible(UI_TIMEOUT);
    await expectPage(page.getByRole('main').getByText(/2 of 2 files synced/)).toBeVisible(UI_TIMEOUT);
  });

  it('asks before adding a large folder, saying what it found; Cancel changes nothing', async () => {
    // HOIST_LARGE_FOLDER_FILES stands in for the 100,000-file limit (README "Folders Hoist will not sync").
    const ui = await hoist.start({
      files: { 'small.txt': 's' },
      env: { HOIST_LARGE_FOLDER_FILES: '3' },
    });
    const { page } = ui;
    const big = join(dirname(ui.folder), 'big');
    await mkdir(big);
    for (let n = 0; n < 5; n++) await writeFile(join(big, `photo-${n}.jpg`), 'x'.repeat(1000));
    await expectPage(page.getByRole('main').getByText(/1 of 1 file synced/)).toBeVisible(UI_TIMEOUT);
    await page.getByRole('link', { name: 'Add a folder' }).click();
    await page.getByRole('textbox', { name: 'Folder', exact: true }).fill(big);
    await page.getByRole('button', { name: 'Add and sync' }).click();
    const question = page.getByRole('alertdialog', { name: 'Sync this large folder?' });
    await expectPage(question).toContainText(`${big} is large: 5 files, 5 kB`, UI_TIMEOUT);
    await ui.screenshot('large-folder-question');
    await question.getByRole('button', { name: 'Cancel' }).click();
    await expectPage(page.getByRole('status').filter({ hasText: 'Nothing was changed.' })).toBeVisible();
    await expectPage(page.getByRole('navigation', { name: 'Hoist' }).getByRole('listitem')).toHaveCount(1);

    await page.getByRole('button', { name: 'Add and sync' }).click();
    await question.getByRole('button', { name: 'Sync all of it' }).click();
    // Added beside the first: the window shows the new folder, and both are in the sidebar.
    await expectPage(page.getByRole('main').getByText(`${big} → `)).toBeVisible(UI_TIMEOUT);
    await expectPage(ui.folderLink('big')).toHaveAttribute('aria-current', 'page');
    await expectPage(ui.folderLink('folder')).toBeVisible();
    await expectPage(page.getByRole('main').getByText(/5 of 5 files synced/)).toBeVisible(UI_TIMEOUT);
  });

  it('Save after a rejected token says so and keeps the folder syncing with the good one', async () => {
    const wrong = 'wrong-token-5b0c2f';
    hoist.secret(wrong);
    const ui = await hoist.start({ provider: 'alloy', files: { 'one.txt': '1' } });
    const { page } = ui;
    await expectPage(page.getByRole('main').getByText(/1 of 1 file synced/)).toBeVisible(UI_TIMEOUT);
    await page.getByRole('link', { name: 'Settings', exact: true }).click();
    await page.getByLabel('API token').fill(wrong);
    await page.getByRole('button', { name: 'Test connection' }).click();
    await expectPage(page.getByRole('alert')).toHaveText(/rejected the API token/, UI_TIMEOUT);
    await page.getByRole('button', { name: 'Save token' }).click();
    // Nothing changed: this folder (and any other) goes on syncing with the token it had.
    await expectPage(page.getByRole('alert')).toHaveText(
      /rejected the API token.*Nothing was changed/,
      UI_TIMEOUT,
    );
    await ui.screenshot('token-rejected-kept');
    await ui.write('two.txt', '2');
    await page.getByRole('link', { name: 'Sync', exact: true }).click();
    await expectPage(page.getByRole('main').getByText(/2 of 2 files synced/)).toBeVisible(UI_TIMEOUT);
    expect((await (await ui.remote('alloy')).list()).map((entry) => entry.name).sort()).toEqual([
      'one.txt',
      'two.txt',
    ]);
  });

  it('“Replace the remote copy” asks first, naming the copy that would be lost; Cancel keeps both', async () => {
    const ui = await hoist.start({ files: { 'other.txt': 'o' } });
    const { page } = ui;
    await expectPage(page.getByTestId('status-text')).toHaveText('Up to date', UI_TIMEOUT);
    await ui.uploadFromElsewhere('report.txt', 'theirs');
    await page.getByRole('button', { name: 'Sync now' }).click();
    await expectPage(page.getByRole('status').filter({ hasText: /^Checked at/ })).toBeVisible(UI_TIMEOUT);
    await ui.write('report.txt', 'ours, and longer');
    const conflicts = page.getByRole('region', { name: /Conflicts/ });
    await expectPage(conflicts.getByText('report.txt', { exact: true })).toBeVisible(UI_TIMEOUT);
    await conflicts
      .getByRole('group', { name: 'Resolve report.txt' })
      .getByRole('button', { name: 'Replace the remote copy' })
      .click();
    const question = page.getByRole('alertdialog', { name: 'Replace the remote copy?' });
    await expectPage(question).toContainText(
      /report\.txt \(16 bytes, changed .*\) will be uploaded over the remote file “report\.txt” \(6 bytes, changed .*, not from this folder\)\./,
    );
    await expectPage(question).toContainText('That copy will be lost.');
    await ui.screenshot('replace-question');
    await question.getByRole('button', { name: 'Cancel' }).click();
    await expectPage(question).toHaveCount(0);
    // Nothing was replaced: the other copy is still the remote's, and the conflict is still listed.
    await expectPage(conflicts.getByText('report.txt', { exact: true })).toBeVisible();
    const remote = await ui.remoteEntries();
    expect(remote.find((entry) => entry.name === 'report.txt')?.size).toBe(6);
  });

  it('Sync now while paused offers both choices; “Sync once” syncs and the pause stays', async () => {
    const ui = await hoist.start({ files: { 'a.txt': 'a' } });
    const { page } = ui;
    await expectPage(page.getByTestId('status-text')).toHaveText('Up to date', UI_TIMEOUT);
    await page.getByRole('button', { name: 'Pause until tomorrow' }).click();
    // One definition of "tomorrow" (shared/pause-choice.ts): 08:00, as the tray and the README say.
    await expectPage(page.getByTestId('status-text')).toHaveText('Paused until tomorrow 08:00', UI_TIMEOUT);
    await ui.write('b.txt', 'b');
    await page.getByRole('button', { name: 'Sync now' }).click();
    const question = page.getByRole('dialog', { name: 'Sync is paused' });
    await expectPage(question.getByRole('button', { name: 'Resume and sync' })).toBeVisible();
    await expectPage(question.getByRole('button', { name: 'Sync once, stay paused' })).toBeVisible();
    await ui.screenshot('sync-now-paused-question');
    await question.getByRole('button', { name: 'Sync once, stay paused' }).click();
    await expectPage(
      page.getByRole('status').filter({
        hasText: /^Checked at \d\d:\d\d: all 2 files are synced; still paused until tomorrow 08:00\.$/,
      }),
    ).toBeVisible(UI_TIMEOUT);
    await expectPage(page.getByTestId('status-text')).toHaveText(/^Paused until/);
    await expectPage(page.getByRole('button', { name: 'Resume' })).toBeVisible();
    expect((await ui.remoteEntries()).map((entry) => entry.name).sort()).toEqual(['a.txt', 'b.txt']);
    const activity = page.getByRole('list', { name: 'Activity, newest first' });
    await expectPage(activity).toContainText('Synced once; still paused until tomorrow 08:00', UI_TIMEOUT);
    await expectPage(activity).toContainText('Paused until tomorrow 08:00');
    await ui.screenshot('sync-now-paused-outcome');
    // Still paused: a new file waits.
    await ui.write('c.txt', 'c');
    await until('c.txt is seen', async () =>
      page
        .getByRole('main')
        .getByText(/2 of 3 files synced/)
        .isVisible(),
    );

    await page.getByRole('button', { name: 'Sync now' }).click();
    await question.getByRole('button', { name: 'Resume and sync' }).click();
    await expectPage(page.getByTestId('status-text')).toHaveText('Up to date', UI_TIMEOUT);
    await expectPage(page.getByRole('main').getByText(/3 of 3 files synced/)).toBeVisible(UI_TIMEOUT);
    await expectPage(activity).toContainText('Resumed', UI_TIMEOUT);
  });

  it('at 800×600 activity rows wrap and show their whole text; the status icon is drawn, not a glyph', async () => {
    const long = `a-rather-long-folder-name/with-a-deeper-folder/and-a-file-name-that-goes-on-${'and-on-'.repeat(6)}.txt`;
    const ui = await hoist.start({ files: { [long]: 'l' } });
    const { page } = ui;
    await page.setViewportSize({ width: 800, height: 600 });
    await expectPage(page.getByTestId('status-text')).toHaveText('Up to date', UI_TIMEOUT);
    const row = page.getByRole('list', { name: 'Activity, newest first' }).getByRole('listitem').first();
    await expectPage(row).toContainText(long, UI_TIMEOUT);
    const text = row.locator('.activity-text');
    const layout = (): Promise<{ lines: number; cut: boolean; inRow: boolean }> =>
      text.evaluate((element) => {
        const box = element.getBoundingClientRect();
        const rowBox = element.parentElement?.getBoundingClientRect() ?? box;
        return {
          lines: Math.round(
            box.height /
              parseFloat(element.ownerDocument.defaultView?.getComputedStyle(element).lineHeight ?? '20'),
          ),
          cut: element.scrollWidth > element.clientWidth || element.scrollHeight > element.clientHeight,
          inRow: box.bottom <= rowBox.bottom + 0.5,
        };
      });
    // Wrapped over lines, not cut to one ("Uploade…"); a very long one shows three lines at rest.
    expect((await layout()).lines).toBeGreaterThan(1);
    await ui.screenshot('small-activity-wrapped');
    // Focused (or hovered), every character is laid out, and the row grows to hold it.
    await row.focus();
    await until('the focused row shows its whole text', async () => {
      const focused = await layout();
      return !focused.cut && focused.inRow && focused.lines > 3;
    });
    await expectPage(row).toHaveAttribute('title', new RegExp(long.replace(/[.]/g, '\\.')));
    await ui.screenshot('small-activity-focused');
    await expectPage(page.getByRole('main').locator('.status-icon svg')).toHaveCount(1);
    await page.getByRole('button', { name: 'Pause', exact: true }).click();
    await expectPage(page.getByTestId('status-text')).toHaveText('Paused', UI_TIMEOUT);
    await ui.screenshot('small-paused-icon');
  });
});
