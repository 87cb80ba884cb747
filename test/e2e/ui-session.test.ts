import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { expect as expectPage } from 'playwright/test';
import { describe, expect, it } from 'vitest';
import { CliProcesses } from '../support/cli-process.js';
import { until } from '../support/poll-until.js';
import { makeTempDir } from '../support/temp-dir.js';
import { UI_LINK } from '../support/ui-session.js';
import { screenshotBothThemes, uiTestLifecycle } from './support/ui-harness.js';

const UI_TIMEOUT = { timeout: 30_000 };

describe('hoist ui: a link opens one tab, once', { timeout: 120_000 }, () => {
  const hoist = uiTestLifecycle();

  it('keeps the key out of the address bar, survives a reload, and tells a tab without the key what to do', async () => {
    const ui = await hoist.start({ files: { 'a.txt': 'a' } });
    const { page } = ui;
    await expectPage(page.getByRole('link', { name: 'Sync', exact: true })).toBeVisible(UI_TIMEOUT);
    // The page's own address, with the key taken out of the fragment.
    const address = new URL(page.url());
    expect(address.pathname).toMatch(/^\/s\/[\w-]{43}\/$/);
    expect(address.hash).toBe('#/');
    await page.reload();
    await expectPage(page.getByRole('link', { name: 'Sync', exact: true })).toBeVisible(UI_TIMEOUT);

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

  it('opens from the page hoist ui hands the browser, as the person’s browser would', async () => {
    const temp = await makeTempDir('hoist-ui-opener-');
    const processes = new CliProcesses(() => temp.path);
    try {
      // The "browser" only records what it was given; Chromium then opens that, as a browser would.
      const recorded = join(temp.path, 'browser-argv.txt');
      const opener = join(temp.path, 'browser.sh');
      await writeFile(opener, `#!/bin/sh\nprintf '%s' "$1" > '${recorded}'\n`, { mode: 0o700 });
      const cli = processes.spawn(['ui', '--state', join(temp.path, 'data')], { BROWSER: opener });
      await cli.waitForStdout(UI_LINK, 30_000);
      await until(
        'the browser was started',
        async () => (await readFile(recorded, 'utf8').catch(() => '')) !== '',
      );
      const context = await hoist.browser.newContext();
      const page = await context.newPage();
      await page.goto(await readFile(recorded, 'utf8'));
      await expectPage(page.getByRole('heading', { name: 'Welcome to Hoist' })).toBeVisible(UI_TIMEOUT);
      expect(new URL(page.url()).hash).toBe('#/');
      await context.close();
    } finally {
      await processes.killAll();
      await temp.remove();
    }
  });
});
