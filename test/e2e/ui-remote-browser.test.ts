import { rm } from 'node:fs/promises';
import { expect as expectPage } from 'playwright/test';
import { describe, expect, it } from 'vitest';
import { uiTestLifecycle } from './support/ui-harness.js';

// The remote browser of issue 16, in real Chromium against `hoist ui` and a real reference server:
// a list that follows the remote, folders with breadcrumbs, natural and keyboard sorting, a folder
// deleted as a whole, and Open WebUI's processing of each file.

const UI_TIMEOUT = { timeout: 30_000 };
// Open WebUI processing on the test server: long enough that the window shows "Processing…" before
// the engine's next look (10 s after the upload), short enough for a test.
const PROCESSING_MS = 15_000;
const BINARY_AS_TEXT = Buffer.concat([Buffer.from('%PDF-1.7\n'), Buffer.from([0, 159, 146, 150, 0])]);

describe('hoist ui: the remote browser', { timeout: 180_000 }, () => {
  const hoist = uiTestLifecycle();

  it('shows another client’s upload on Refresh, and by itself within the refresh interval', async () => {
    const ui = await hoist.start({ files: { 'mine.txt': 'mine' } });
    const { page } = ui;
    await page.getByRole('link', { name: 'Remote files', exact: true }).click();
    const grid = page.getByRole('grid', { name: 'Remote files' });
    await expectPage(grid.getByRole('row', { name: /mine\.txt/ })).toBeVisible(UI_TIMEOUT);
    await expectPage(page.getByRole('main').getByText(/^Listed /)).toBeVisible(UI_TIMEOUT);

    // The engine lists on its own every 5 minutes (the default): only Refresh can show this one now.
    await ui.uploadFromElsewhere('from-the-phone.txt', 'sent from elsewhere');
    await page.getByRole('button', { name: 'Refresh' }).click();
    await expectPage(grid.getByRole('row', { name: /from-the-phone\.txt/ })).toBeVisible(UI_TIMEOUT);
    await expectPage(page.getByRole('main').getByText('Listed just now')).toBeVisible(UI_TIMEOUT);
    await page.getByRole('searchbox', { name: 'Search files' }).fill('phone');
    await expectPage(page.getByRole('status').getByText('1 file', { exact: true })).toBeVisible(UI_TIMEOUT);
    await ui.screenshot('remote-refreshed');
    await page.getByRole('searchbox', { name: 'Search files' }).fill('');

    // Every 10 seconds instead: the next upload elsewhere appears with no click at all.
    await page.getByRole('link', { name: 'Settings', exact: true }).click();
    await page.getByRole('spinbutton', { name: 'Check the remote every (seconds)' }).fill('10');
    await page.getByRole('button', { name: 'Save sync options' }).click();
    await expectPage(page.getByRole('status').filter({ hasText: /saved/i })).toBeVisible(UI_TIMEOUT);
    await page.getByRole('link', { name: 'Remote files', exact: true }).click();
    await expectPage(grid.getByRole('row', { name: /mine\.txt/ })).toBeVisible(UI_TIMEOUT);
    await ui.uploadFromElsewhere('from-the-laptop.txt', 'also from elsewhere');
    await expectPage(grid.getByRole('row', { name: /from-the-laptop\.txt/ })).toBeVisible(UI_TIMEOUT);
    await expectPage(grid).toHaveAttribute('aria-rowcount', '4');
  });

  it('sorts naturally and by keyboard, browses folders by keyboard, and deletes a folder as a whole', async () => {
    const ui = await hoist.start({
      files: {
        'clip-10.txt': 'ten',
        'clip-2.txt': 'two',
        'Clip-3.txt': 'three',
        'docs/a.md': 'a'.repeat(1500),
        'docs/sub/b.md': 'b'.repeat(1500),
        'photos/x.jpg': 'x',
      },
    });
    const { page } = ui;
    await page.getByRole('link', { name: 'Remote files', exact: true }).click();
    const grid = page.getByRole('grid', { name: 'Remote files' });
    await expectPage(grid).toHaveAttribute('aria-rowcount', '7', UI_TIMEOUT);
    const firstCells = grid.locator('[role="row"][aria-rowindex] [role="gridcell"]:first-child');
    await expectPage(firstCells).toHaveText([
      'clip-2.txt',
      'Clip-3.txt',
      'clip-10.txt',
      'docs/a.md',
      'docs/sub/b.md',
      'photos/x.jpg',
    ]);

    // The column headers are in the tab order: Tab from Path reaches Size; Enter sorts by it.
    const path = grid.getByRole('button', { name: 'Path' });
    await path.focus();
    await page.keyboard.press('Tab');
    await expectPage(grid.getByRole('button', { name: 'Size' })).toBeFocused();
    await page.keyboard.press('Enter');
    await expectPage(grid.getByRole('columnheader', { name: 'Size' })).toHaveAttribute(
      'aria-sort',
      'ascending',
    );
    await page.keyboard.press('Enter');
    await expectPage(grid.getByRole('columnheader', { name: 'Size' })).toHaveAttribute(
      'aria-sort',
      'descending',
    );
    await expectPage(firstCells.first()).toHaveText(/docs\/(a|sub\/b)\.md/);
    await ui.screenshot('remote-sorted-by-size');
    await page.keyboard.press('Shift+Tab');
    await page.keyboard.press('Enter');
    await expectPage(grid.getByRole('columnheader', { name: 'Path' })).toHaveAttribute(
      'aria-sort',
      'ascending',
    );

    // The folder view: folders first, then the files at the top, each step named in the breadcrumbs.
    await page.getByRole('radio', { name: 'Folders' }).check();
    const crumbs = page.getByRole('navigation', { name: 'Folder path' });
    await expectPage(crumbs.locator('[aria-current]')).toHaveText('All folders');
    await expectPage(firstCells).toHaveText([
      /docs \(folder\)/,
      /photos \(folder\)/,
      'clip-2.txt',
      'Clip-3.txt',
      'clip-10.txt',
    ]);
    await expectPage(grid.getByRole('row', { name: /docs/ })).toContainText('2 files');
    await ui.screenshot('remote-folders');

    // Into docs and docs/sub with Enter, back up with Alt+Up and the breadcrumbs, all by keyboard.
    await grid.focus();
    await page.keyboard.press('Enter');
    await expectPage(crumbs.locator('[aria-current]')).toHaveText('docs');
    await expectPage(firstCells).toHaveText([/sub \(folder\)/, 'a.md']);
    await page.keyboard.press('Enter');
    await expectPage(crumbs.locator('[aria-current]')).toHaveText('sub');
    // In a folder, its files show their names; the full path is in the tooltip.
    await expectPage(firstCells).toHaveText(['b.md']);
    await expectPage(firstCells.first()).toHaveAttribute('title', 'docs/sub/b.md');
    await ui.screenshot('remote-folder-breadcrumbs');
    await page.keyboard.press('Alt+ArrowUp');
    await expectPage(crumbs.locator('[aria-current]')).toHaveText('docs');
    await crumbs.getByRole('button', { name: 'All folders' }).focus();
    await page.keyboard.press('Enter');
    await expectPage(crumbs.locator('[aria-current]')).toHaveText('All folders');

    // A folder selected and deleted as a whole: the confirmation names its files and their size.
    await grid.getByRole('row', { name: /docs/ }).click();
    await expectPage(grid.getByRole('row', { name: /docs/ })).toHaveAttribute('aria-selected', 'true');
    await page.getByRole('button', { name: 'Delete…' }).click();
    const dialog = page.getByRole('alertdialog', { name: /^Delete 2 files from / });
    await expectPage(dialog).toBeVisible(UI_TIMEOUT);
    await expectPage(dialog).toContainText('2 files, 3 kB in all');
    await ui.screenshot('remote-folder-delete-confirm');
    // Gone from the folder too, so nothing uploads them again.
    await rm(ui.path('docs'), { recursive: true });
    await dialog.getByRole('button', { name: 'Delete 2 files' }).click();
    const done = page.getByRole('alertdialog', { name: 'Deletion finished' });
    await expectPage(done).toContainText('Deleted 2 files.', UI_TIMEOUT);
    await done.getByRole('button', { name: 'Close' }).click();
    await expectPage(grid.getByRole('row', { name: /docs/ })).toHaveCount(0, UI_TIMEOUT);
    const names = (await ui.remoteEntries()).map((entry) => entry.name).sort();
    expect(names).toEqual(['Clip-3.txt', 'clip-10.txt', 'clip-2.txt', 'photos\u2215x.jpg']);
  });

  it('shows Open WebUI processing: Processing…, then Ready for AI, or why it could not be read', async () => {
    const ui = await hoist.start({
      provider: 'openwebui',
      server: { openWebUiProcessingMs: PROCESSING_MS },
      files: { 'notes.txt': 'plain words\n', 'scan.txt': BINARY_AS_TEXT.toString('latin1') },
    });
    const { page } = ui;
    await page.getByRole('link', { name: 'Remote files', exact: true }).click();
    const grid = page.getByRole('grid', { name: 'Remote files' });
    await expectPage(grid.getByRole('columnheader', { name: 'For AI' })).toBeVisible(UI_TIMEOUT);
    const notes = grid.getByRole('row', { name: /notes\.txt/ });
    const scan = grid.getByRole('row', { name: /scan\.txt/ });
    await expectPage(notes).toContainText('Processing…', UI_TIMEOUT);
    await ui.screenshot('remote-processing-pending');
    await expectPage(notes).toContainText('Ready for AI', { timeout: 60_000 });
    await expectPage(scan).toContainText(
      'Could not be read: scan.txt is sent as text/plain but holds binary data',
      {
        timeout: 60_000,
      },
    );
    await ui.screenshot('remote-processing-done');
  });
});
