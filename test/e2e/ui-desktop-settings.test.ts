import { mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright';
import { expect as expectPage } from 'playwright/test';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { AlloyProvider } from '../../electron/engine/remote/alloy-provider.js';
import { startAppCore, type AppCore } from '../../electron/host/app-core.js';
import { openKeychain } from '../../electron/host/credentials/open-keychain.js';
import { findRendererDir } from '../../electron/host/web/static-files.js';
import { startWebHost, type WebHost } from '../../electron/host/web/web-host.js';
import { ChannelCredentialStore } from '../../electron/main/core-process/channel-credential-store.js';
import { DesktopCredentials } from '../../electron/main/core-process/desktop-credentials.js';
import { DesktopShellClient } from '../../electron/main/core-process/desktop-shell-client.js';
import { LoginItem } from '../../electron/main/login-item/login-item.js';
import { answerDesktopSettings } from '../../electron/main/settings/desktop-settings-handler.js';
import { ShellSettingsFile } from '../../electron/main/settings/shell-settings.js';
import {
  answerShellRequest,
  type DesktopShellApi,
} from '../../electron/main/shell-actions/shell-request-handler.js';
import { makeTempDir } from '../support/temp-dir.js';
import { uploadFromElsewhere } from '../support/upload-from-elsewhere.js';
import { startTestServer, TEST_USERS, type TestServer } from '../support/test-server.js';
import { launchChromium, screenshotBothThemes } from './support/ui-harness.js';

/**
 * The Settings screen as the desktop app shows it: the app core with main's pieces wired the way
 * electron/main/index.ts wires them (credentials through DesktopCredentials, the shell requests through
 * answerShellRequest, the switches through answerDesktopSettings with the real settings file and the
 * real XDG autostart entry), minus the process boundary. The renderer runs in real Chromium through
 * the web host, as the Electron window would load it. Only Electron's dialog and shell calls are stood
 * in for (below): the Electron binary cannot run here. The keychain is real keytar with no D-Bus
 * session: the "no keychain on this machine" case, for real.
 */

const UI_TIMEOUT = { timeout: 30_000 };

interface DesktopInABrowser {
  core: AppCore;
  host: WebHost;
  page: Page;
  opened: string[];
}

describe(
  'Settings in the desktop app: folder picker, session-only token, desktop switches',
  { timeout: 120_000 },
  () => {
    let browser: Browser;
    let temp: { path: string; remove: () => Promise<void> };
    let server: TestServer;
    let desktop: DesktopInABrowser | null = null;
    const savedEnv = { ...process.env };

    beforeAll(async () => {
      browser = await launchChromium();
      server = await startTestServer();
    });
    afterAll(async () => {
      await browser.close();
      await server.close();
    });
    beforeEach(async () => {
      temp = await makeTempDir('hoist-desktop-ui-');
      // No D-Bus session and no display to autolaunch one: keytar loads, and no keychain answers.
      delete process.env.DBUS_SESSION_BUS_ADDRESS;
      delete process.env.DISPLAY;
      process.env.XDG_CONFIG_HOME = join(temp.path, 'config');
    });
    afterEach(async () => {
      await desktop?.page.context().close();
      await desktop?.host.close();
      await desktop?.core.close();
      desktop = null;
      process.env = { ...savedEnv };
      await temp.remove();
    });

    /** The first-run form: `folder` with Alloy on the test server, and alice's token. */
    async function startSyncingWithAlloy(page: Page, folder: string): Promise<void> {
      await page.getByRole('textbox', { name: 'Folder', exact: true }).fill(folder);
      await page.getByLabel('Keep the copies on').selectOption({ label: 'Alloy' });
      await page.getByLabel('Server URL').fill(server.url);
      await page.getByLabel('API token').fill(TEST_USERS.alice.token);
      await page.getByRole('button', { name: 'Start syncing' }).click();
    }

    async function start(pickedFolder: string | null): Promise<DesktopInABrowser> {
      const opened: string[] = [];
      // Stands in for Electron's dialog.showOpenDialog and shell (electron-shell-api.ts): no binary here.
      const electronShell: DesktopShellApi = {
        pickFolder: async () => pickedFolder,
        showItemInFolder: (path) => void opened.push(`show ${path}`),
        openPath: async (path) => {
          opened.push(path);
          return '';
        },
        isDirectory: async (path) => (await stat(path).catch(() => null))?.isDirectory() ?? false,
      };
      const settings = new ShellSettingsFile(join(temp.path, 'shell-settings.json'));
      await settings.load();
      // On Linux the login item is the XDG autostart entry; Electron's own login item is never asked.
      const loginItem = new LoginItem(
        {
          setLoginItemSettings: () => expect.fail('not used on Linux'),
          getLoginItemSettings: () => expect.fail('not used on Linux'),
        },
        'linux',
        '/opt/Hoist/hoist',
      );
      const keychain = new DesktopCredentials(() => openKeychain({ probeTimeoutMs: 5000 }));
      const credentials: ChannelCredentialStore = new ChannelCredentialStore(
        (request) => void keychain.answer(request).then((reply) => credentials.deliver(reply)),
      );
      const shell: DesktopShellClient = new DesktopShellClient((request) => {
        const answer =
          request.type === 'shell-request'
            ? answerShellRequest(request, electronShell)
            : answerDesktopSettings(request, { settings, loginItem, changed: () => undefined });
        void answer.then((reply) => shell.deliver(reply));
      });
      const core = await startAppCore({
        dataRoot: join(temp.path, 'data'),
        credentials,
        desktop: {
          pickFolder: () => shell.pickFolder(),
          openFolder: (path) => shell.openFolder(path),
          showInFolder: (path) => shell.showInFolder(path),
          switches: (change) => shell.desktopSettings(change),
        },
        log: () => undefined,
      });
      const rendererDir = findRendererDir();
      if (rendererDir === null) throw new Error('the renderer is not built');
      const host = await startWebHost({ bridge: core.bridge, rendererDir, log: () => undefined });
      const context = await browser.newContext({ viewport: { width: 1024, height: 900 } });
      const page = await context.newPage();
      await page.goto(host.newLink());
      return { core, host, page, opened };
    }

    it('fills the folder from the native picker, and opens it in the file manager', async () => {
      const picked = join(temp.path, 'Picked Folder');
      await mkdir(picked);
      desktop = await start(picked);
      const { page } = desktop;
      await expectPage(page.getByRole('heading', { name: 'Welcome to Hoist' })).toBeVisible(UI_TIMEOUT);
      await page.getByRole('button', { name: 'Choose…' }).click();
      await expectPage(page.getByRole('textbox', { name: 'Folder', exact: true })).toHaveValue(
        picked,
        UI_TIMEOUT,
      );
      await page.getByRole('button', { name: 'Start syncing' }).click();
      await expectPage(page.getByRole('main').getByText(`${picked} → This computer`)).toBeVisible(UI_TIMEOUT);
      await page.getByRole('button', { name: 'Open folder' }).click();
      await expect.poll(() => desktop?.opened).toEqual([picked]);
    });

    it('a cancelled picker leaves the folder as typed', async () => {
      desktop = await start(null);
      const { page } = desktop;
      const folder = page.getByRole('textbox', { name: 'Folder', exact: true });
      await folder.fill('/home/somebody/Typed');
      await page.getByRole('button', { name: 'Choose…' }).click();
      // The answer has come back when the button is usable again; the field is untouched.
      await expectPage(page.getByRole('button', { name: 'Choose…' })).toBeEnabled(UI_TIMEOUT);
      await expectPage(folder).toHaveValue('/home/somebody/Typed');
    });

    it('with no keychain, says so plainly and keeps the token for this session only when asked', async () => {
      const folder = join(temp.path, 'Docs');
      await mkdir(folder);
      desktop = await start(null);
      const { page } = desktop;
      await startSyncingWithAlloy(page, folder);
      const alert = page.getByRole('alert');
      await expectPage(alert).toContainText('No keychain is available on this computer', UI_TIMEOUT);
      await expectPage(alert).toContainText('for this session only');
      await screenshotBothThemes(page, 'settings-no-keychain');
      // Nothing was stored silently: no folder added, no token anywhere on disk.
      expect((await desktop.core.app.view()).folders).toEqual([]);

      await page.getByRole('button', { name: 'Keep the token for this session only' }).click();
      await expectPage(page.getByRole('main').getByText(`${folder} → Alloy`)).toBeVisible(UI_TIMEOUT);
      await expectPage(page.getByRole('main').getByText('Up to date')).toBeVisible(UI_TIMEOUT);
      const view = await desktop.core.app.view();
      expect(view.credentialStore).toBe('memory');
      expect(view.folders[0]?.tokenSet).toBe(true);
      expect(view.canKeepTokenForSession).toBe(false);
      const config = await readFile(join(temp.path, 'data', 'app.json'), 'utf8').catch(() => '');
      expect(config).not.toContain(TEST_USERS.alice.token);
    });

    it('shows a file in conflict in the file manager, and never a path outside the folder', async () => {
      const folder = join(temp.path, 'Work');
      await mkdir(folder);
      await writeFile(join(folder, 'clash.txt'), 'ours');
      const elsewhere = new AlloyProvider({ baseUrl: server.url, token: TEST_USERS.alice.token });
      await uploadFromElsewhere(elsewhere, 'clash.txt', 'theirs, from another device');
      await elsewhere.close();
      desktop = await start(null);
      const { page } = desktop;
      await startSyncingWithAlloy(page, folder);
      await page.getByRole('button', { name: 'Keep the token for this session only' }).click();
      await page.getByRole('link', { name: 'Sync', exact: true }).click();
      await page.getByRole('button', { name: 'Show in folder: clash.txt' }).click(UI_TIMEOUT);
      await expect.poll(() => desktop?.opened).toEqual([`show ${join(folder, 'clash.txt')}`]);
      // The activity log has it too (it re-reads at most once a second).
      await expectPage(
        // The row, not its text: "Leave out… clash.txt" on the row names the file for screen readers too.
        page
          .getByRole('list', { name: 'Activity, newest first' })
          .getByRole('listitem')
          .filter({ hasText: 'clash.txt' })
          .first(),
      ).toBeVisible(UI_TIMEOUT);
      await screenshotBothThemes(page, 'sync-conflict-desktop');

      const id = (await desktop.core.app.view()).folders[0]?.id;
      const answers: unknown[] = [];
      const connection = desktop.core.bridge.connect((message) => answers.push(message));
      for (const [n, path] of ['../outside.txt', '/etc/passwd', 'a/./b', 'a//b'].entries()) {
        connection.receive(
          JSON.stringify({
            type: 'request',
            id: n,
            command: 'desktop.showInFolder',
            payload: { folder: id, path },
          }),
        );
      }
      await expect.poll(() => answers.length).toBe(4);
      for (const answer of answers)
        expect(answer).toMatchObject({ ok: false, error: { code: 'invalid-request' } });
      // A name that is not UTF-8 (its bytes kept as lone surrogates) cannot reach the shell as a
      // string: the folder it is in opens instead (issue 16).
      connection.receive(
        JSON.stringify({
          type: 'request',
          id: 9,
          command: 'desktop.showInFolder',
          payload: { folder: id, path: 'caf\uDCE9.txt' },
        }),
      );
      await expect.poll(() => desktop?.opened.length).toBe(2);
      connection.close();
      expect(desktop.opened).toEqual([`show ${join(folder, 'clash.txt')}`, folder]);
    });

    it('turns notifications and start at login on and off, where main keeps them', async () => {
      desktop = await start(null);
      const { page } = desktop;
      // The desktop switches are the app's, not a folder's: App settings, even before the first folder.
      await page.getByRole('link', { name: 'App settings' }).click();
      const notifications = page.getByRole('checkbox', { name: /Notify me when something needs me/ });
      const atLogin = page.getByRole('checkbox', { name: 'Start Hoist when I log in' });
      await expectPage(notifications).toBeChecked(UI_TIMEOUT);
      await expectPage(atLogin).not.toBeChecked();
      const autostart = join(temp.path, 'config', 'autostart', 'hoist.desktop');

      await atLogin.check();
      await expectPage(atLogin).toBeChecked(UI_TIMEOUT);
      // The box follows the click at once; main writes the entry in moments.
      await expect
        .poll(() => readFile(autostart, 'utf8').catch(() => ''))
        .toContain('Exec=/opt/Hoist/hoist --hidden');
      await notifications.uncheck();
      await expectPage(notifications).not.toBeChecked(UI_TIMEOUT);
      const shellSettings = (): Promise<string> =>
        readFile(join(temp.path, 'shell-settings.json'), 'utf8').catch(() => '');
      await expect.poll(shellSettings).toMatch(/"notifications": false/);

      await atLogin.uncheck();
      await expectPage(atLogin).not.toBeChecked(UI_TIMEOUT);
      await expect.poll(() => stat(autostart).catch(() => null)).toBeNull();
      // What the window shows is what main holds, after a reload too.
      await page.reload();
      await expectPage(atLogin).not.toBeChecked(UI_TIMEOUT);
      await expectPage(notifications).not.toBeChecked();
    });
  },
);
