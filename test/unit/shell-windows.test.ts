import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isOwnUrl, type AppOrigin } from '../../electron/main/windows/app-origin.js';
import { CONTENT_SECURITY_POLICY } from '../../electron/main/windows/content-security-policy.js';
import {
  denyPermissionCheck,
  denyPermissionRequest,
  isAllowedExternal,
  navigationGuard,
  refuseWebview,
  safeForLog,
  windowOpenHandler,
} from '../../electron/main/windows/web-guards.js';
import { placeWindow } from '../../electron/main/windows/window-bounds.js';
import { WINDOW_SPECS, type WindowKind } from '../../electron/main/windows/window-kinds.js';
import { windowOptions } from '../../electron/main/windows/window-options.js';
import { WindowStateFile } from '../../electron/main/windows/window-state-file.js';
import { makeTempDir } from '../support/temp-dir.js';

// The events below are plain objects standing in for Electron's (its binary cannot run here); they
// have exactly the members the handlers use.
function navigationEvent(): { preventDefault(): void; prevented: boolean } {
  const event = {
    prevented: false,
    preventDefault() {
      event.prevented = true;
    },
  };
  return event;
}

const RENDERER = '/opt/Hoist/resources/app.asar/out/renderer';
const APP_ORIGIN: AppOrigin = { kind: 'app', rendererDir: RENDERER };
const DEV_ORIGIN: AppOrigin = { kind: 'dev-server', origin: 'http://localhost:5173' };

describe('window options', () => {
  it('every window is sandboxed and isolated, with no Node and the preload as its only bridge', () => {
    for (const kind of Object.keys(WINDOW_SPECS) as WindowKind[]) {
      const options = windowOptions(kind, {
        preload: '/app/out/preload/index.cjs',
        bounds: { x: 1, y: 2, width: 800, height: 600 },
      });
      expect(options.webPreferences, kind).toEqual({
        preload: '/app/out/preload/index.cjs',
        contextIsolation: true,
        sandbox: true,
        nodeIntegration: false,
        nodeIntegrationInWorker: false,
        nodeIntegrationInSubFrames: false,
        webSecurity: true,
        allowRunningInsecureContent: false,
        webviewTag: false,
        experimentalFeatures: false,
        navigateOnDragDrop: false,
        safeDialogs: true,
        spellcheck: false,
      });
      expect(options).toMatchObject({ x: 1, y: 2, width: 800, height: 600, show: false });
      expect(options.title).toBe(WINDOW_SPECS[kind].title);
    }
  });

  it('the three windows have their own routes', () => {
    expect(Object.values(WINDOW_SPECS).map((spec) => spec.route)).toEqual(['/sync', '/remote', '/settings']);
  });
});

describe('our own pages', () => {
  it('accepts app://hoist pages and the dev server, nothing else (file:// is never ours)', () => {
    expect(isOwnUrl('app://hoist/index.html#/settings', APP_ORIGIN)).toBe(true);
    expect(isOwnUrl('app://hoist/assets/x.js', APP_ORIGIN)).toBe(true);
    expect(isOwnUrl(`file://${RENDERER}/index.html`, APP_ORIGIN)).toBe(false);
    expect(isOwnUrl('file:///etc/passwd', APP_ORIGIN)).toBe(false);
    expect(isOwnUrl('app://evil/index.html', APP_ORIGIN)).toBe(false);
    expect(isOwnUrl('app://hoist.evil/index.html', APP_ORIGIN)).toBe(false);
    expect(isOwnUrl('app://hoist:8080/index.html', APP_ORIGIN)).toBe(false);
    expect(isOwnUrl('apps://hoist/index.html', APP_ORIGIN)).toBe(false);
    expect(isOwnUrl('https://example.com/', APP_ORIGIN)).toBe(false);
    expect(isOwnUrl('not a url', APP_ORIGIN)).toBe(false);
    expect(isOwnUrl('', APP_ORIGIN)).toBe(false);
    expect(isOwnUrl('http://localhost:5173/#/remote', DEV_ORIGIN)).toBe(true);
    expect(isOwnUrl('http://localhost:5174/', DEV_ORIGIN)).toBe(false);
    expect(isOwnUrl('http://localhost.evil.com:5173/', DEV_ORIGIN)).toBe(false);
  });
});

describe('navigation, new windows, permissions', () => {
  it('blocks navigation away from our pages and lets a reload of our own through', () => {
    const guard = navigationGuard(APP_ORIGIN);
    const away = navigationEvent();
    guard(away, 'https://evil.example/phish');
    expect(away.prevented).toBe(true);
    const local = navigationEvent();
    guard(local, 'file:///home/ada/.ssh/id_rsa');
    expect(local.prevented).toBe(true);
    const own = navigationEvent();
    guard(own, 'app://hoist/index.html#/remote');
    expect(own.prevented).toBe(false);
    const rendererFile = navigationEvent();
    guard(rendererFile, `file://${RENDERER}/index.html`);
    expect(rendererFile.prevented).toBe(true);
  });

  it('never opens a window; allowlisted https links go to the browser, the rest are logged', () => {
    const opened: string[] = [];
    const logged: string[] = [];
    const handler = windowOpenHandler(
      (url) => opened.push(url),
      (line) => logged.push(line),
    );
    expect(handler({ url: 'https://docs.runalloy.com/files' })).toEqual({ action: 'deny' });
    expect(handler({ url: 'http://docs.runalloy.com/files' })).toEqual({ action: 'deny' });
    expect(handler({ url: 'https://evil.example/?token=secret' })).toEqual({ action: 'deny' });
    expect(opened).toEqual(['https://docs.runalloy.com/files']);
    expect(logged).toEqual([
      'blocked a new window for http://docs.runalloy.com/files',
      'blocked a new window for https://evil.example/',
    ]);
  });

  it('the external allowlist takes exact hosts over https, without credentials or odd ports', () => {
    expect(isAllowedExternal('https://docs.composio.dev/api')).toBe(true);
    expect(isAllowedExternal('https://github.com/hoist')).toBe(true);
    expect(isAllowedExternal('https://docs.composio.dev.evil.com/')).toBe(false);
    expect(isAllowedExternal('https://evildocs.composio.dev/')).toBe(false);
    expect(isAllowedExternal('https://user:pw@github.com/')).toBe(false);
    expect(isAllowedExternal('https://github.com:8443/')).toBe(false);
    expect(isAllowedExternal('file:///etc/passwd')).toBe(false);
    expect(isAllowedExternal('javascript:alert(1)')).toBe(false);
    expect(isAllowedExternal('smb://github.com/share')).toBe(false);
  });

  it('denies every permission request and check, and every webview', () => {
    const answers: boolean[] = [];
    for (const permission of ['media', 'geolocation', 'notifications', 'clipboard-read', 'openExternal']) {
      denyPermissionRequest({}, permission, (granted) => answers.push(granted));
    }
    expect(answers).toEqual([false, false, false, false, false]);
    expect(denyPermissionCheck()).toBe(false);
    const webview = navigationEvent();
    refuseWebview(webview);
    expect(webview.prevented).toBe(true);
  });

  it('logs URLs without their query string', () => {
    expect(safeForLog('https://x.example/a/b?sig=abc#frag')).toBe('https://x.example/a/b');
    expect(safeForLog('nope')).toBe('(not a URL)');
  });
});

describe('content security policy', () => {
  it('allows only our own scripts, and nothing from elsewhere', () => {
    expect(CONTENT_SECURITY_POLICY).toContain("script-src 'self'");
    expect(CONTENT_SECURITY_POLICY).toContain("default-src 'none'");
    expect(CONTENT_SECURITY_POLICY).not.toContain('unsafe');
    expect(CONTENT_SECURITY_POLICY).not.toMatch(/\*|https?:|ws:/);
  });
});

describe('window placement', () => {
  const primary = { x: 0, y: 0, width: 1920, height: 1040 };
  const right = { x: 1920, y: 0, width: 1280, height: 1000 };
  const size = { width: 960, height: 640 };

  it('centres the default size on the primary display when nothing was saved', () => {
    expect(placeWindow(null, [primary, right], size)).toEqual({ x: 480, y: 200, width: 960, height: 640 });
  });

  it('puts a window back where it was, on whichever display it was on', () => {
    const saved = { x: 2000, y: 100, width: 800, height: 600 };
    expect(placeWindow(saved, [primary, right], size)).toEqual(saved);
  });

  it('moves a window whose display is gone back to the primary one', () => {
    expect(placeWindow({ x: 2000, y: 100, width: 800, height: 600 }, [primary], size)).toEqual({
      x: 480,
      y: 200,
      width: 960,
      height: 640,
    });
  });

  it('keeps a partly visible window but pulls it inside and shrinks it to the display', () => {
    expect(placeWindow({ x: -300, y: 100, width: 800, height: 600 }, [primary], size)).toEqual({
      x: 0,
      y: 100,
      width: 800,
      height: 600,
    });
    expect(placeWindow({ x: 10, y: 10, width: 3000, height: 2000 }, [primary], size)).toEqual({
      x: 0,
      y: 0,
      width: 1920,
      height: 1040,
    });
  });

  it('does not keep a window whose title bar is above the screen or only a sliver on it', () => {
    expect(placeWindow({ x: 100, y: -500, width: 800, height: 600 }, [primary], size).y).toBe(200);
    expect(placeWindow({ x: 1870, y: 100, width: 800, height: 600 }, [primary], size).x).toBe(480);
  });

  it('fits the default size on a small screen', () => {
    expect(placeWindow(null, [{ x: 0, y: 0, width: 800, height: 500 }], size)).toEqual({
      x: 0,
      y: 0,
      width: 800,
      height: 500,
    });
  });
});

describe('window state file', () => {
  let dir: { path: string; remove: () => Promise<void> };
  beforeEach(async () => {
    dir = await makeTempDir('hoist-window-state-');
  });
  afterEach(async () => {
    await dir.remove();
  });

  it('remembers each window across restarts', async () => {
    const file = join(dir.path, 'nested', 'window-state.json');
    const first = new WindowStateFile(file);
    expect(await first.load()).toEqual({});
    await first.save('main', { x: 10.4, y: 20, width: 900, height: 600 });
    await first.save('settings', { x: 30, y: 40, width: 700, height: 500 });
    const second = new WindowStateFile(file);
    await second.load();
    expect(second.get('main')).toEqual({ x: 10, y: 20, width: 900, height: 600 });
    expect(second.get('settings')).toEqual({ x: 30, y: 40, width: 700, height: 500 });
    expect(second.get('browse')).toBeNull();
  });

  it('treats a damaged or foreign file as no saved state', async () => {
    const file = join(dir.path, 'window-state.json');
    for (const text of ['{not json', '{"main": {"x": "a"}}', '[]']) {
      await writeFile(file, text);
      const state = new WindowStateFile(file);
      expect(await state.load(), text).toEqual({});
      expect(state.get('main')).toBeNull();
    }
  });
});

describe('window state writes', () => {
  let dir: { path: string; remove: () => Promise<void> };
  beforeEach(async () => {
    dir = await makeTempDir('hoist-window-writes-');
  });
  afterEach(async () => {
    await dir.remove();
  });

  it('several windows saved at once all end up in the file', async () => {
    const file = join(dir.path, 'window-state.json');
    const state = new WindowStateFile(file);
    await Promise.all([
      state.save('main', { x: 1, y: 1, width: 100, height: 100 }),
      state.save('browse', { x: 2, y: 2, width: 200, height: 200 }),
      state.save('settings', { x: 3, y: 3, width: 300, height: 300 }),
    ]);
    const reread = new WindowStateFile(file);
    expect(Object.keys(await reread.load()).sort()).toEqual(['browse', 'main', 'settings']);
  });
});
