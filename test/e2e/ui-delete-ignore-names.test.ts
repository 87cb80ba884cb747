import { readdir } from 'node:fs/promises';
import { expect as expectPage } from 'playwright/test';
import { describe, expect, it } from 'vitest';
import { uiTestLifecycle } from './support/ui-harness.js';

const UI_TIMEOUT = { timeout: 30_000 };

// "Delete… and add it to .hoistignore" for a file whose name holds a line break: gitignore cannot
// escape one, so the rule would be two lines, the second one a rule nobody saw. The window must say so,
// naming the file, and neither write .hoistignore nor delete anything.
describe('hoist ui: a name .hoistignore cannot hold', { timeout: 120_000 }, () => {
  const hoist = uiTestLifecycle();

  it('refuses to add a name with a line break, names it, and deletes nothing', async () => {
    const odd = 'notes\n!*.txt';
    const ui = await hoist.start({ files: { [odd]: 'n', 'plain.txt': 'p' } });
    const { page } = ui;
    await expectPage(page.getByRole('main').getByText(/2 of 2 files synced/)).toBeVisible(UI_TIMEOUT);
    await page.getByRole('link', { name: 'Remote files', exact: true }).click();
    const grid = page.getByRole('grid', { name: 'Remote files' });
    await grid.getByRole('row', { name: /notes/ }).click();
    await page.getByRole('button', { name: 'Delete…' }).click();
    const dialog = page.getByRole('alertdialog', { name: /^Delete 1 file from/ });
    await dialog.getByRole('checkbox', { name: /Add it to \.hoistignore/ }).check();
    await dialog.getByRole('button', { name: 'Delete 1 file' }).click();

    await expectPage(page.getByRole('alert')).toHaveText(
      '“notes\\n!*.txt” has a line break in its name, which a .hoistignore rule cannot hold. Nothing was deleted: rename the file, or delete it without adding it to .hoistignore.',
      UI_TIMEOUT,
    );
    await ui.screenshot('delete-ignore-refused');
    expect((await ui.remoteEntries()).map((entry) => entry.name).sort()).toHaveLength(2);
    expect(await readdir(ui.path(''))).not.toContain('.hoistignore');
  });
});
