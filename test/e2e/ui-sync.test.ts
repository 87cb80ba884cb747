import { describe, expect, it } from 'vitest';
import { expect as expectPage } from 'playwright/test';
import { pairStateFile } from '../../electron/host/pair-location.js';
import { remoteIdentityOf } from '../../electron/host/remote-identity.js';
import { until } from '../support/poll-until.js';
import { seedMirror } from '../support/seed-mirror.js';
import { uiTestLifecycle } from './support/ui-harness.js';

// Generous: a watcher, an upload and a browser on a loaded two-core machine; never a speed check.
const UI_TIMEOUT = { timeout: 30_000 };

describe('hoist ui: the sync window and the remote files', { timeout: 120_000 }, () => {
  const hoist = uiTestLifecycle();

  it('first run on “This computer”: choose a folder, and files created in it show up as synced', async () => {
    const ui = await hoist.start({ withFolder: false, embedded: true });
    const { page } = ui;
    await expectPage(page.getByRole('heading', { name: 'Welcome to Hoist' })).toBeVisible(UI_TIMEOUT);
    await expectPage(page.getByLabel('Keep the copies on')).toHaveValue('local');
    await ui.screenshot('first-run');
    await page.getByRole('textbox', { name: 'Folder', exact: true }).fill(ui.folder);
    await page.getByRole('button', { name: 'Start syncing' }).click();
    // The window turns into the sync window for the new folder, on the embedded remote.
    await expectPage(page.getByRole('main').getByText(`${ui.folder} → This computer`)).toBeVisible(
      UI_TIMEOUT,
    );
    await expectPage(page.getByRole('main').getByText('Up to date')).toBeVisible(UI_TIMEOUT);
    await ui.screenshot('sync-empty');

    await ui.write('notes/alpha.txt', 'alpha');
    await ui.write('beta.md', 'beta beta');
    await expectPage(page.getByRole('main').getByText(/2 of 2 files synced/)).toBeVisible(UI_TIMEOUT);
    await ui.screenshot('sync-up-to-date');
    // The activity log: newest first, searchable and filterable by kind.
    const activity = page.getByRole('list', { name: 'Activity, newest first' });
    await expectPage(activity.getByRole('listitem')).toHaveCount(2, UI_TIMEOUT);
    await page.getByLabel('Search activity').fill('alpha');
    await expectPage(activity.getByRole('listitem')).toHaveCount(1, UI_TIMEOUT);
    await expectPage(activity.getByRole('listitem')).toContainText('notes/alpha.txt');
    await page.getByLabel('Search activity').fill('');
    await page.getByLabel('Show').selectOption({ label: 'Failures and warnings' });
    await expectPage(page.getByRole('main').getByText('Nothing matches.')).toBeVisible(UI_TIMEOUT);
    await page.getByLabel('Show').selectOption({ label: 'Uploads' });
    await expectPage(activity.getByRole('listitem')).toHaveCount(2, UI_TIMEOUT);

    await page.getByRole('link', { name: 'Remote files', exact: true }).click();
    const grid = page.getByRole('grid', { name: 'Remote files' });
    await expectPage(grid.getByRole('row', { name: /notes\/alpha\.txt/ })).toContainText(
      'Synced',
      UI_TIMEOUT,
    );
    await expectPage(grid.getByRole('row', { name: /beta\.md/ })).toContainText('Synced');
    await expectPage(grid).toHaveAttribute('aria-rowcount', '3');
    await ui.screenshot('remote-files');
  });

  it('searches, sorts and filters the remote list in SQLite, and marks files not from this folder', async () => {
    const ui = await hoist.start({
      files: {
        'docs/report.pdf': 'r'.repeat(3000),
        'docs/notes.txt': 'n'.repeat(10),
        'zeta.txt': 'z'.repeat(500),
      },
    });
    const { page } = ui;
    await ui.uploadFromElsewhere('from-another-app.csv', 'x'.repeat(50));
    await expectPage(page.getByRole('main').getByText('Up to date')).toBeVisible(UI_TIMEOUT);
    await page.getByRole('button', { name: 'Sync now' }).click();
    await page.getByRole('link', { name: 'Remote files', exact: true }).click();
    const grid = page.getByRole('grid', { name: 'Remote files' });
    await expectPage(grid).toHaveAttribute('aria-rowcount', '5', UI_TIMEOUT);
    await expectPage(grid.getByRole('row', { name: /from-another-app\.csv/ })).toContainText('Remote only');

    // Sorted by path by default; by size (descending) with two clicks on the header.
    await expectPage(grid.getByRole('row').nth(1)).toContainText('docs/notes.txt');
    await grid.getByRole('button', { name: 'Size' }).click();
    await expectPage(grid.getByRole('columnheader', { name: /Size/ })).toHaveAttribute(
      'aria-sort',
      'ascending',
    );
    await expectPage(grid.getByRole('row').nth(1)).toContainText('docs/notes.txt');
    await grid.getByRole('button', { name: /Size/ }).click();
    await expectPage(grid.getByRole('columnheader', { name: /Size/ })).toHaveAttribute(
      'aria-sort',
      'descending',
    );
    await expectPage(grid.getByRole('row').nth(1)).toContainText('docs/report.pdf');
    await expectPage(grid.getByRole('row')).toHaveCount(5);

    await page.getByLabel('Search files').fill('DOCS/');
    await expectPage(grid).toHaveAttribute('aria-rowcount', '3', UI_TIMEOUT);
    await expectPage(page.getByRole('main').getByText('2 files', { exact: true })).toBeVisible();
    await ui.screenshot('remote-files-search');
    await page.getByLabel('Search files').fill('');

    await page.getByRole('radio', { name: 'Remote only' }).check();
    await expectPage(grid).toHaveAttribute('aria-rowcount', '2', UI_TIMEOUT);
    await expectPage(grid.getByRole('row').nth(1)).toContainText('from-another-app.csv');
    await page.getByRole('radio', { name: 'From this folder' }).check();
    await expectPage(grid).toHaveAttribute('aria-rowcount', '4', UI_TIMEOUT);
    await page.getByRole('radio', { name: 'Deleted locally' }).check();
    await expectPage(page.getByRole('main').getByText('No remote files match.')).toBeVisible(UI_TIMEOUT);
    await ui.screenshot('remote-files-empty-filter');
  });

  it('pauses, pauses for 1 hour and resumes', async () => {
    const ui = await hoist.start({ files: { 'a.txt': 'a' } });
    const { page } = ui;
    await expectPage(page.getByRole('main').getByText('Up to date')).toBeVisible(UI_TIMEOUT);
    await page.getByRole('button', { name: 'Pause', exact: true }).click();
    await expectPage(page.getByTestId('status-text')).toHaveText('Paused', UI_TIMEOUT);
    // Paused: a new file waits.
    await ui.write('b.txt', 'b');
    await ui.screenshot('sync-paused');
    await page.getByRole('button', { name: 'Resume' }).click();
    await expectPage(page.getByRole('main').getByText(/2 of 2 files synced/)).toBeVisible(UI_TIMEOUT);

    await page.getByRole('button', { name: 'Pause for 1 hour' }).click();
    await expectPage(page.getByTestId('status-text')).toHaveText(/^Paused until (tomorrow )?\d/, UI_TIMEOUT);
    await ui.screenshot('sync-paused-until');
    await page.getByRole('button', { name: 'Resume' }).click();
    await expectPage(page.getByRole('main').getByText('Up to date')).toBeVisible(UI_TIMEOUT);
  });

  it('renders a 100,000-row mirror without loading it, and scrolls to the end', async () => {
    // An unreachable remote: the mirror keeps what was seeded (a refresh would replace it).
    const remoteUrl = 'http://127.0.0.1:9';
    const ui = await hoist.start({
      remoteUrl,
      beforeStart: async ({ dataRoot, folder }) =>
        seedMirror(
          await pairStateFile(dataRoot, folder, 'local', remoteIdentityOf('local', remoteUrl)),
          100_000,
        ),
    });
    const { page } = ui;
    await page.getByRole('link', { name: 'Remote files', exact: true }).click();
    const grid = page.getByRole('grid', { name: 'Remote files' });
    await expectPage(grid).toHaveAttribute('aria-rowcount', '100001', UI_TIMEOUT);
    await expectPage(grid.getByRole('row', { name: /folder-000\/file-000000\.txt/ })).toBeVisible(UI_TIMEOUT);
    // Only the rows on screen exist in the page.
    expect(await grid.getByRole('row').count()).toBeLessThan(100);
    await ui.screenshot('remote-files-100k');
    await grid.focus();
    await page.keyboard.press('End');
    const last = grid.locator('[role="row"][aria-rowindex="100001"]');
    await expectPage(last).toContainText('folder-099/file-099999.txt', UI_TIMEOUT);
    await expectPage(last).toBeInViewport();
    expect(await grid.getByRole('row').count()).toBeLessThan(100);
    await ui.screenshot('remote-files-100k-end');
    // "Select all that match" selects 100,000 by query, not by loading them.
    await page.getByRole('button', { name: 'Select all 100,000 that match' }).click();
    await expectPage(page.getByRole('region', { name: 'Selection' })).toContainText('100,000 selected');
  });

  it('is usable at 800×600: every screen fits its width and its main controls are on screen', async () => {
    const ui = await hoist.start({ files: { 'small/window.txt': 'w' } });
    const { page } = ui;
    await page.setViewportSize({ width: 800, height: 600 });
    await expectPage(page.getByTestId('status-text')).toHaveText('Up to date', UI_TIMEOUT);
    const fitsWidth = async (): Promise<boolean> =>
      (await page.evaluate('document.documentElement.scrollWidth')) === 800;
    expect(await fitsWidth()).toBe(true);
    await expectPage(page.getByRole('button', { name: 'Sync now' })).toBeInViewport();
    await ui.screenshot('small-sync');
    await page.getByRole('link', { name: 'Remote files', exact: true }).click();
    await expectPage(
      page.getByRole('grid', { name: 'Remote files' }).getByRole('row', { name: /window\.txt/ }),
    ).toBeInViewport(UI_TIMEOUT);
    await expectPage(page.getByRole('button', { name: 'Delete…' })).toBeInViewport();
    expect(await fitsWidth()).toBe(true);
    await ui.screenshot('small-remote-files');
    await page.getByRole('link', { name: 'Settings', exact: true }).click();
    await expectPage(page.getByRole('button', { name: 'Save and sync' })).toBeInViewport(UI_TIMEOUT);
    expect(await fitsWidth()).toBe(true);
    await ui.screenshot('small-settings');
  });

  it('puts the folder’s files under a remote folder chosen in Settings', async () => {
    const harness = await hoist.start({ files: { 'first.txt': 'f' } });
    const { page } = harness;
    await expectPage(page.getByTestId('status-text')).toHaveText('Up to date', UI_TIMEOUT);
    await page.getByRole('link', { name: 'Settings', exact: true }).click();
    await page.getByLabel('Folder on the remote (empty: at the top)').fill('Work');
    await page.getByRole('button', { name: 'Save sync options' }).click();
    await expectPage(page.getByRole('main').getByText('Saved.')).toBeVisible(UI_TIMEOUT);
    await until('first.txt is on the remote under Work', async () =>
      (await harness.remoteEntries()).some((entry) => entry.name === 'Work\u2215first.txt'),
    );
  });

  it('shows each upload in flight with its own bar, and applies a bandwidth limit from Settings', async () => {
    const ui = await hoist.start({ files: { 'first.txt': 'f' } });
    const { page } = ui;
    await expectPage(page.getByTestId('status-text')).toHaveText('Up to date', UI_TIMEOUT);
    await page.getByRole('link', { name: 'Settings', exact: true }).click();
    const limit = page.getByLabel('Bandwidth limit (KB/s, 0 = no limit)');
    await limit.fill('500');
    await page.getByRole('button', { name: 'Save sync options' }).click();
    await expectPage(page.getByRole('main').getByText('Saved.')).toBeVisible(UI_TIMEOUT);
    // 5 MiB at 500 kB/s: about ten seconds on the wire, in 1 MiB reads, so the bar is seen moving.
    await ui.write('big.bin', 'b'.repeat(5 * 1024 * 1024));
    await page.getByRole('link', { name: 'Sync', exact: true }).click();
    const bar = page
      .getByRole('list', { name: 'Uploading now' })
      .getByRole('progressbar', { name: 'Uploading big.bin' });
    await expectPage(bar).toBeVisible(UI_TIMEOUT);
    await expectPage(page.getByTestId('status-text')).toHaveText(/^Syncing 0 of 1 · /);
    await ui.screenshot('sync-uploading');
    await page.getByRole('link', { name: 'Settings', exact: true }).click();
    await limit.fill('0');
    await page.getByRole('button', { name: 'Save sync options' }).click();
    await page.getByRole('link', { name: 'Sync', exact: true }).click();
    await expectPage(page.getByTestId('status-text')).toHaveText('Up to date', UI_TIMEOUT);
    await expectPage(page.getByRole('list', { name: 'Uploading now' })).toHaveCount(0);
  });
});
