import { chmod, rename, symlink, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { expect as expectPage } from 'playwright/test';
import { describe, expect, it } from 'vitest';
import { CliProcesses } from '../support/cli-process.js';
import { until } from '../support/poll-until.js';
import { unprivilegedPrefix } from '../support/unprivileged.js';
import { type UiHarness, uiTestLifecycle } from './support/ui-harness.js';

// Generous: the watcher, an upload and the browser on a loaded two-core machine. Not a speed goal.
const UI_TIMEOUT = { timeout: 30_000 };

/** `caf` + the byte 0xE9 (Latin-1 "é", not UTF-8) + `.txt`: a name Linux allows and no remote can take. */
function latin1Name(folder: string): Buffer {
  return Buffer.concat([Buffer.from(join(folder, 'caf')), Buffer.from([0xe9]), Buffer.from('.txt')]);
}

describe('hoist ui: the headline never hides a file', { timeout: 120_000 }, () => {
  const hoist = uiTestLifecycle();

  /** `hoist status --json` on the same data root, while hoist ui syncs it. */
  async function statusJson(harness: UiHarness): Promise<{
    notSyncedCount: { needsAttention: number; onPurpose: number };
    unreadable: Array<{ path: string }>;
    notSynced: Array<{ path: string; reason: string }>;
  }> {
    const processes = new CliProcesses(() => dirname(harness.dataRoot));
    const result = await processes.run([
      'status',
      harness.folder,
      '--json',
      '--state',
      harness.dataRoot,
      '--provider',
      'local',
      '--remote',
      harness.remoteUrl,
    ]);
    expect(result.code, result.stderr).toBe(0);
    const [report] = JSON.parse(result.stdout) as Array<Awaited<ReturnType<typeof statusJson>>>;
    if (report === undefined) throw new Error(`no status: ${result.stdout}`);
    return report;
  }

  it('a name that is not UTF-8, created while watching, is counted in the headline and listed with its reason', async () => {
    const ui = await hoist.start({ files: { 'a.txt': 'a', 'b.txt': 'b' } });
    const { page } = ui;
    const headline = page.getByTestId('status-text');
    await expectPage(headline).toHaveText('Up to date', UI_TIMEOUT);
    await expectPage(page.getByRole('region', { name: /Not synced/ })).toHaveCount(0);

    // Created while watching: found by the watcher's hint, not by a rescan or Sync now.
    await writeFile(latin1Name(ui.folder), 'x');
    await expectPage(headline).toHaveText('Up to date except 1 file', UI_TIMEOUT);
    // The line under it counts the same thing.
    await expectPage(page.getByTestId('status-counts')).toContainText('2 of 3 files synced');
    const list = page.getByRole('region', { name: 'Not synced (1)' });
    const row = list.getByRole('listitem').filter({ hasText: 'caf\\xe9.txt' });
    await expectPage(row).toContainText('Name is not valid UTF-8');
    await expectPage(row).toContainText('rename the file');
    // Only a rename helps (and the renamed file is found by itself): no Retry that could not succeed.
    await expectPage(row.getByRole('button', { name: /Retry/ })).toHaveCount(0);
    // The browser has no file manager to open: Show in folder is the desktop app's.
    await expectPage(row.getByRole('button', { name: /Show in folder/ })).toHaveCount(0);
    await ui.screenshot('sync-not-synced-bad-name');

    // `hoist status` tells the same truth, from the same definition.
    const report = await statusJson(ui);
    expect(report.notSyncedCount).toMatchObject({ needsAttention: 1, onPurpose: 0 });
    expect(report.unreadable.map((entry) => entry.path)).toEqual(['caf\uDCE9.txt']);
    expect(report.notSynced).toEqual([
      expect.objectContaining({ path: 'caf\uDCE9.txt', reason: 'bad-name' }),
    ]);

    // Renamed: it leaves the list and goes up under its new name, again without a click.
    await rename(latin1Name(ui.folder), ui.path('café.txt'));
    await expectPage(headline).toHaveText('Up to date', UI_TIMEOUT);
    await expectPage(page.getByTestId('status-counts')).toContainText('3 of 3 files synced');
    await expectPage(list).toHaveCount(0);
    await until('café.txt is on the remote', async () =>
      (await ui!.remoteEntries()).some((entry) => entry.name === 'café.txt'),
    );
  });

  it('lists an unreadable file with Retry, and what is skipped on purpose apart', async () => {
    const ui = await hoist.start({
      files: { 'ok.txt': 'fine', 'locked.txt': 'secret' },
      // As root, file permissions hold only without the capabilities that bypass them.
      prefix: unprivilegedPrefix(),
      beforeStart: async ({ folder }) => {
        await chmod(join(folder, 'locked.txt'), 0o000);
        await symlink('ok.txt', join(folder, 'link-to-ok.txt'));
      },
    });
    const { page } = ui;
    await expectPage(page.getByTestId('status-text')).toHaveText('Up to date except 1 file', UI_TIMEOUT);
    await expectPage(page.getByTestId('status-counts')).toContainText(
      '1 of 2 files synced · 1 skipped on purpose',
    );
    const list = page.getByRole('region', { name: 'Not synced (1)' });
    const row = list.getByRole('list', { name: 'Files not synced' }).getByRole('listitem');
    await expectPage(row).toHaveCount(1);
    await expectPage(row).toContainText('locked.txt');
    await expectPage(row).toContainText('Cannot be read');
    await expectPage(row).toContainText(/permission denied/i);
    await expectPage(row).toContainText('Hoist tries again');
    await expectPage(row.getByRole('button', { name: 'Retry now: locked.txt' })).toBeVisible();
    // Left out by design: apart, behind a disclosure, and no Retry (nothing to try again).
    await list.getByText('Skipped on purpose (1)').click();
    const skipped = list.getByRole('list', { name: 'Skipped on purpose' }).getByRole('listitem');
    await expectPage(skipped).toContainText('link-to-ok.txt');
    await expectPage(skipped).toContainText('Symbolic link');
    await expectPage(skipped.getByRole('button', { name: /Retry/ })).toHaveCount(0);
    await ui.screenshot('sync-not-synced-unreadable-and-skipped');
  });
});
