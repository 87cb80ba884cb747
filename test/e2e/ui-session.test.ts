import type { Browser } from 'playwright';
import { expect as expectPage } from 'playwright/test';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, screenshotBothThemes, UiHarness } from './support/ui-harness.js';

const UI_TIMEOUT = { timeout: 30_000 };

describe('hoist ui: a link opens one tab, once', { timeout: 120_000 }, () => {
  let browser: Browser;
  let ui: UiHarness | null = null;
  beforeAll(async () => {
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser.close();
  });
  afterEach(async ({ task }) => {
    if (ui && task.result?.state === 'fail') await ui.failureShot(task.name);
    await ui?.close();
    ui = null;
  });

  it('keeps the key out of the address bar, survives a reload, and tells a tab without the key what to do', async () => {
    ui = await UiHarness.start(browser, { files: { 'a.txt': 'a' } });
    const { page } = ui;
    await expectPage(page.getByRole('link', { name: 'Sync' })).toBeVisible(UI_TIMEOUT);
    // The page's own address, with the key taken out of the fragment.
    const address = new URL(page.url());
    expect(address.pathname).toMatch(/^\/s\/[\w-]{43}\/$/);
    expect(address.hash).toBe('#/');
    await page.reload();
    await expectPage(page.getByRole('link', { name: 'Sync' })).toBeVisible(UI_TIMEOUT);

    // Another tab at the same address has the cookie but not the key (sessionStorage is per tab).
    const tab = await ui.context.newPage();
    await tab.goto(address.href);
    await expectPage(tab.getByRole('status')).toHaveText(
      /This window is not signed in to Hoist\. Open a new link from hoist ui/,
      UI_TIMEOUT,
    );
    await screenshotBothThemes(tab, 'session-tab-without-key');
    await tab.close();
  });
});
