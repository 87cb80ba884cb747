import { describe, it } from 'vitest';
import { expect as expectPage } from 'playwright/test';
import { uiTestLifecycle } from './support/ui-harness.js';

// Generous: a browser on a loaded two-core machine; never a speed check.
const UI_TIMEOUT = { timeout: 30_000 };

describe('hoist ui: the Large files setting', { timeout: 120_000 }, () => {
  const hoist = uiTestLifecycle();

  it('shows the size files go up in parts from, refuses one it cannot take, and saves a good one', async () => {
    const ui = await hoist.start({ files: { 'first.txt': 'f' } });
    const { page } = ui;
    await expectPage(page.getByTestId('status-text')).toHaveText('Up to date', UI_TIMEOUT);
    await page.getByRole('link', { name: 'Settings', exact: true }).click();
    const group = page.getByRole('group', { name: 'Large files' });
    const field = group.getByRole('textbox', { name: 'Upload in parts from (MB)' });
    // The default, 100 MiB, in the megabytes the window speaks.
    await expectPage(field).toHaveValue('104.9', UI_TIMEOUT);
    await expectPage(field).toHaveAttribute('aria-invalid', 'false');
    await expectPage(field).toHaveAccessibleDescription(/carries on from the parts already sent/);
    await group.scrollIntoViewIfNeeded();
    await ui.screenshot('settings-large-files');

    // Not a size: said under the field as it is typed, and nothing is saved.
    await field.fill('big');
    await expectPage(group.getByRole('alert')).toHaveText('Enter a size in megabytes, for example 100.');
    await expectPage(field).toHaveAttribute('aria-invalid', 'true');
    await expectPage(field).toHaveAccessibleDescription(/^Enter a size in megabytes/);
    // Past what one upload can take.
    await field.fill('9000');
    await expectPage(group.getByRole('alert')).toHaveText(
      'Enter a size from 1 MB to 5,000 MB: one upload takes at most 5 GB.',
    );
    await page.getByRole('button', { name: 'Save sync options' }).click();
    await expectPage(page.getByRole('form', { name: 'Sync options' }).getByRole('alert').last()).toHaveText(
      'Nothing was saved: correct the size under Large files first.',
    );
    await expectPage(field).toBeFocused();
    await ui.screenshot('settings-large-files-error');

    // A good size, from the keyboard: saved, and the folder's engine takes it (its activity says so).
    await field.fill('50');
    await expectPage(group.getByRole('alert')).toHaveCount(0);
    await field.press('Enter');
    await expectPage(page.getByRole('main').getByText('Saved.')).toBeVisible(UI_TIMEOUT);
    await page.getByRole('link', { name: 'Sync', exact: true }).click();
    await expectPage(
      page
        .getByRole('list', { name: 'Activity, newest first' })
        .getByText(/upload in parts from 105 MB → 50 MB/),
    ).toBeVisible(UI_TIMEOUT);
    await page.getByRole('link', { name: 'Settings', exact: true }).click();
    await expectPage(field).toHaveValue('50', UI_TIMEOUT);
  });
});
