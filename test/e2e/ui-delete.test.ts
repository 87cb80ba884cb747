import { rm } from 'node:fs/promises';
import { readFile } from 'node:fs/promises';
import { expect as expectPage } from 'playwright/test';
import { describe, expect, it } from 'vitest';
import { type UiHarness, uiTestLifecycle } from './support/ui-harness.js';

const UI_TIMEOUT = { timeout: 30_000 };

describe('hoist ui: browse and delete', { timeout: 120_000 }, () => {
  const hoist = uiTestLifecycle();

  const remoteNames = async (harness: UiHarness): Promise<string[]> =>
    (await harness.remoteEntries()).map((entry) => entry.name).sort();

  it('deletes a multi-selection after a confirmation naming count, size and the files still in the folder', async () => {
    const ui = await hoist.start({
      files: { 'a.txt': 'a'.repeat(1000), 'b.txt': 'b'.repeat(20), 'c.txt': 'c', 'd.txt': 'd'.repeat(2000) },
    });
    const { page } = ui;
    await expectPage(page.getByRole('main').getByText(/4 of 4 files synced/)).toBeVisible(UI_TIMEOUT);
    // d.txt goes from the folder; its remote copy stays ("deleted locally").
    await rm(ui.path('d.txt'));
    await page.getByRole('link', { name: 'Remote files', exact: true }).click();
    const grid = page.getByRole('grid', { name: 'Remote files' });
    await expectPage(grid.getByRole('row', { name: /d\.txt/ })).toContainText('Deleted locally', UI_TIMEOUT);

    await grid.getByRole('row', { name: /a\.txt/ }).click();
    await grid.getByRole('row', { name: /d\.txt/ }).click({ modifiers: ['ControlOrMeta'] });
    await expectPage(grid.getByRole('row', { name: /a\.txt/ })).toHaveAttribute('aria-selected', 'true');
    await expectPage(grid.getByRole('row', { name: /b\.txt/ })).toHaveAttribute('aria-selected', 'false');
    await expectPage(page.getByRole('main').getByText('2 selected · 3 kB')).toBeVisible();
    await ui.screenshot('browse-selection');

    await page.getByRole('button', { name: 'Delete…' }).click();
    const dialog = page.getByRole('alertdialog', {
      name: 'Delete 2 files from This computer (' + ui.remoteUrl + ')?',
    });
    await expectPage(dialog).toBeVisible(UI_TIMEOUT);
    await expectPage(dialog).toContainText('2 files, 3 kB in all');
    await expectPage(dialog).toContainText(
      '1 of them is still in the folder, so Hoist will upload it again.',
    );
    await expectPage(dialog.getByRole('button', { name: 'Cancel' })).toBeFocused();
    await ui.screenshot('delete-confirm');
    await dialog.getByRole('checkbox', { name: /Add it to \.hoistignore/ }).check();
    await dialog.getByRole('button', { name: 'Delete 2 files' }).click();

    const done = page.getByRole('alertdialog', { name: 'Deletion finished' });
    await expectPage(done).toContainText('Deleted 2 files.', UI_TIMEOUT);
    await expectPage(done).toContainText('Added 1 path to .hoistignore.');
    await ui.screenshot('delete-outcome');
    await done.getByRole('button', { name: 'Close' }).click();

    // The list updates without a reload; the server no longer has the objects (the new .hoistignore is
    // Hoist's control file, never uploaded).
    await expectPage(grid.getByRole('row', { name: /a\.txt/ })).toHaveCount(0, UI_TIMEOUT);
    await expectPage(grid.getByRole('row', { name: /d\.txt/ })).toHaveCount(0);
    await expectPage(grid).toHaveAttribute('aria-rowcount', '3', UI_TIMEOUT);
    expect(await remoteNames(ui)).toEqual(['b.txt', 'c.txt']);
    expect(await readFile(ui.path('.hoistignore'), 'utf8')).toContain('/a.txt');
    // a.txt is still in the folder but ignored now: a full sync does not upload it again.
    await page.getByRole('link', { name: 'Sync', exact: true }).click();
    await page.getByRole('button', { name: 'Sync now' }).click();
    await expectPage(page.getByRole('main').getByText('Up to date')).toBeVisible(UI_TIMEOUT);
    expect(await remoteNames(ui)).toEqual(['b.txt', 'c.txt']);
  });

  it('selects and deletes with the keyboard alone', async () => {
    const ui = await hoist.start({ files: { 'k1.txt': '1', 'k2.txt': '22', 'k3.txt': '333' } });
    const { page } = ui;
    await expectPage(page.getByRole('main').getByText(/3 of 3 files synced/)).toBeVisible(UI_TIMEOUT);
    // Gone from the folder, so deleting their remote copies does not bring them back.
    await rm(ui.path('k1.txt'));
    await rm(ui.path('k2.txt'));
    await page.getByRole('link', { name: 'Remote files', exact: true }).press('Enter');
    const grid = page.getByRole('grid', { name: 'Remote files' });
    await expectPage(grid).toHaveAttribute('aria-rowcount', '4', UI_TIMEOUT);
    for (let presses = 0; presses < 30; presses++) {
      if ((await page.evaluate('document.activeElement?.getAttribute("role")')) === 'grid') break;
      await page.keyboard.press('Tab');
    }
    await expectPage(grid).toBeFocused();
    await page.keyboard.press('Space');
    await page.keyboard.press('Shift+ArrowDown');
    await expectPage(grid.getByRole('row', { name: /k1\.txt/ })).toHaveAttribute('aria-selected', 'true');
    await expectPage(grid.getByRole('row', { name: /k2\.txt/ })).toHaveAttribute('aria-selected', 'true');
    await expectPage(grid.getByRole('row', { name: /k3\.txt/ })).toHaveAttribute('aria-selected', 'false');
    await ui.screenshot('browse-keyboard-selection');
    await page.keyboard.press('Delete');
    const dialog = page.getByRole('alertdialog', { name: /Delete 2 files/ });
    await expectPage(dialog.getByRole('button', { name: 'Cancel' })).toBeFocused(UI_TIMEOUT);
    await page.keyboard.press('Tab');
    await expectPage(dialog.getByRole('button', { name: 'Delete 2 files' })).toBeFocused();
    await page.keyboard.press('Enter');
    const done = page.getByRole('alertdialog', { name: 'Deletion finished' });
    await expectPage(done).toContainText('Deleted 2 files.', UI_TIMEOUT);
    await page.keyboard.press('Enter');
    await expectPage(done).toHaveCount(0);
    expect(await remoteNames(ui)).toEqual(['k3.txt']);
    await expectPage(grid).toHaveAttribute('aria-rowcount', '2', UI_TIMEOUT);

    // Ctrl+A selects every file that matches, without loading them.
    await grid.focus();
    await page.keyboard.press('ControlOrMeta+a');
    await expectPage(page.getByRole('region', { name: 'Selection' })).toContainText(/selected/);
  });

  it('disables delete on Composio and says why', async () => {
    const ui = await hoist.start({ provider: 'composio', files: { 'c.txt': 'composio' } });
    const { page } = ui;
    await expectPage(page.getByTestId('status-text')).toHaveText('Up to date', UI_TIMEOUT);
    await page.getByRole('link', { name: 'Remote files', exact: true }).click();
    const grid = page.getByRole('grid', { name: 'Remote files' });
    await grid.getByRole('row', { name: /c\.txt/ }).click(UI_TIMEOUT);
    const button = page.getByRole('button', { name: 'Delete…' });
    await expectPage(button).toBeDisabled();
    await expectPage(button).toHaveAccessibleDescription(/Composio .*has no way to delete files/);
    await ui.screenshot('remote-files-composio');
  });

  it('holds a mass deletion until it is confirmed in the window, then deletes the remote copies', async () => {
    const ui = await hoist.start({
      files: { 'm1.txt': '1', 'm2.txt': '2', 'm3.txt': '3', 'm4.txt': '4' },
    });
    const { page } = ui;
    await expectPage(page.getByRole('main').getByText(/4 of 4 files synced/)).toBeVisible(UI_TIMEOUT);
    await page.getByRole('link', { name: 'Settings', exact: true }).click();
    await page.getByRole('checkbox', { name: /Delete the remote copy when a file is deleted here/ }).check();
    await page.getByRole('button', { name: 'Save sync options' }).click();
    await expectPage(page.getByRole('main').getByText('Saved.')).toBeVisible(UI_TIMEOUT);
    await ui.screenshot('settings');

    for (const name of ['m1.txt', 'm2.txt', 'm3.txt']) await rm(ui.path(name));
    await page.getByRole('link', { name: 'Sync', exact: true }).click();
    await page.getByRole('button', { name: 'Sync now' }).click();
    const problem = page.getByRole('alert').filter({ hasText: /3 of 4 files disappeared from the folder/ });
    await expectPage(problem).toBeVisible(UI_TIMEOUT);
    expect(await remoteNames(ui)).toEqual(['m1.txt', 'm2.txt', 'm3.txt', 'm4.txt']);
    await ui.screenshot('sync-mass-deletion-held');
    await problem.getByRole('button', { name: 'Review deletion…' }).click();
    const dialog = page.getByRole('alertdialog', { name: 'Delete the remote copies?' });
    await expectPage(dialog.getByRole('button', { name: 'Cancel' })).toBeFocused(UI_TIMEOUT);
    await dialog.getByRole('button', { name: 'Delete the remote copies' }).click();
    await expectPage(page.getByRole('main').getByText('Deleted 3 remote copies.')).toBeVisible(UI_TIMEOUT);
    expect(await remoteNames(ui)).toEqual(['m4.txt']);
  });
});
