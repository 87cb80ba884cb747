import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { _electron as electron, type ElectronApplication, type Page } from 'playwright';
import { expect as expectPage } from 'playwright/test';
import { afterEach, describe, expect, it } from 'vitest';
import { electronBinary } from '../../scripts/electron-binary.mjs';
import { makeTempDir } from '../support/temp-dir.js';

// The desktop app end to end with Playwright's Electron support: the built app (out/, from
// `npm run build`) on a temp profile with the embedded remote ("This computer"). It syncs a folder,
// opens the browse window from the menu and deletes a file there. Where no Electron binary exists (this
// project's CI, headless servers) it is skipped, and says why: the one skip the suite allows.

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const BINARY = electronBinary();
const UI_TIMEOUT = { timeout: 30_000 };

describe('the desktop app', { timeout: 180_000 }, () => {
  let app: ElectronApplication | null = null;
  let temp: { path: string; remove: () => Promise<void> } | null = null;

  afterEach(async () => {
    await app?.close();
    app = null;
    await temp?.remove();
    temp = null;
  });

  it.skipIf(BINARY === null)(
    BINARY === null
      ? 'syncs a folder, browses and deletes a remote file (skipped: no Electron binary on this machine)'
      : 'syncs a folder, browses and deletes a remote file',
    async () => {
      temp = await makeTempDir('hoist-electron-');
      const folder = join(temp.path, 'folder');
      await mkdir(folder, { recursive: true });
      await writeFile(join(folder, 'keep.txt'), 'keep me');
      await writeFile(join(folder, 'remove.txt'), 'remove me');
      const env: Record<string, string> = {};
      for (const [name, value] of Object.entries(process.env)) if (value !== undefined) env[name] = value;
      app = await electron.launch({
        executablePath: BINARY as string,
        // Chromium will not run as root with its sandbox; CI containers run as root.
        args: [ROOT, ...(process.getuid?.() === 0 ? ['--no-sandbox'] : [])],
        env: {
          ...env,
          HOIST_HOME: join(temp.path, 'data'),
          HOIST_USER_DATA: join(temp.path, 'profile'),
        },
      });
      const main = await app.firstWindow();

      // The renderer has the bridge and nothing else: no Node, no ipcRenderer.
      expect(
        await main.evaluate(() => ({
          bridge: Object.keys((globalThis as unknown as { hoistBridge: object }).hoistBridge).sort(),
          node: typeof (globalThis as unknown as { process?: unknown }).process,
          require: typeof (globalThis as unknown as { require?: unknown }).require,
        })),
      ).toEqual({ bridge: ['onMessage', 'send'], node: 'undefined', require: 'undefined' });
      // Served from app://hoist/ (never file://), with the CSP as a header as well as the meta tag.
      expect(main.url()).toMatch(/^app:\/\/hoist\/index\.html#\//);
      expect(
        await main.evaluate(async () => (await fetch('/index.html')).headers.get('content-security-policy')),
      ).toMatch(/^default-src 'none'; script-src 'self'/);

      await expectPage(main.getByRole('heading', { name: 'Welcome to Hoist' })).toBeVisible(UI_TIMEOUT);
      await main.getByRole('textbox', { name: 'Folder', exact: true }).fill(folder);
      await main.getByRole('button', { name: 'Start syncing' }).click();
      await expectPage(main.getByRole('main').getByText(/2 of 2 files synced/)).toBeVisible(UI_TIMEOUT);

      // Browse remote files… from the window menu (the tray has the same item; the menu is what a
      // desktop without a tray has).
      const opened = app.waitForEvent('window');
      await app.evaluate(({ Menu }) => {
        const hoist = Menu.getApplicationMenu()?.items.find((item) => item.label === 'Hoist');
        hoist?.submenu?.items.find((item) => item.label === 'Browse remote files…')?.click();
      });
      const browse: Page = await opened;
      expect(new URL(browse.url()).hash).toBe('#/remote');
      const grid = browse.getByRole('grid', { name: 'Remote files' });
      await expectPage(grid.getByRole('row', { name: /remove\.txt/ })).toBeVisible(UI_TIMEOUT);
      await grid.getByRole('row', { name: /remove\.txt/ }).click();
      await browse.getByRole('button', { name: 'Delete…' }).click();
      const confirm = browse.getByRole('alertdialog', { name: /^Delete 1 file/ });
      await confirm.getByRole('button', { name: /^Delete 1 file/ }).click();
      await expectPage(browse.getByRole('alertdialog', { name: 'Deletion finished' })).toContainText(
        'Deleted 1 file.',
        UI_TIMEOUT,
      );
      await expectPage(grid.getByRole('row', { name: /keep\.txt/ })).toBeVisible();

      // Closing the main window keeps Hoist running; quitting stops the app core cleanly.
      await main.close();
      expect(await app.evaluate(({ BrowserWindow }) => BrowserWindow.getAllWindows().length)).toBeGreaterThan(
        0,
      );
    },
  );
});
