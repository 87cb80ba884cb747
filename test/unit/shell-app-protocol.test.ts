import { mkdir, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  answerAppRequest,
  appPageUrl,
  APP_SCHEME_PRIVILEGES,
} from '../../electron/main/windows/app-protocol.js';
import { CONTENT_SECURITY_POLICY } from '../../electron/main/windows/content-security-policy.js';
import { makeTempDir } from '../support/temp-dir.js';

// The app:// handler's whole logic, run under Node against a real renderer folder on disk (Electron's
// protocol.handle only hands it a Request and sends back the Response; its binary cannot run here).
// Request and Response are Node's own, the same classes Electron's main process uses.

let root: string;
let renderer: string;
let remove: () => Promise<void>;

beforeAll(async () => {
  ({ path: root, remove } = await makeTempDir('hoist-app-protocol-'));
  renderer = join(root, 'out', 'renderer');
  await mkdir(join(renderer, 'assets'), { recursive: true });
  await writeFile(join(renderer, 'index.html'), '<!doctype html><title>Hoist</title>');
  await writeFile(join(renderer, 'assets', 'index-abc.js'), 'console.log(1)');
  await writeFile(join(renderer, 'assets', 'index-abc.css'), 'body{}');
  await writeFile(join(renderer, 'assets', 'icon.svg'), '<svg/>');
  await writeFile(join(renderer, 'assets', 'font.woff2'), Buffer.from([0x77, 0x4f, 0x46, 0x32]));
  await writeFile(join(renderer, 'assets', 'data.unknownext'), 'x');
  await writeFile(join(root, 'secret.txt'), 'not for the page');
  await writeFile(join(root, 'out', 'main.js'), 'main process code');
  await symlink(join(root, 'secret.txt'), join(renderer, 'assets', 'link.js'));
});

afterAll(async () => {
  await remove();
});

const get = (url: string, method = 'GET') => answerAppRequest(new Request(url, { method }), renderer);

describe('app:// serves the renderer folder', () => {
  it('answers the pages and assets with their types, the CSP header and nosniff', async () => {
    const expectations: Array<[string, string, string]> = [
      [appPageUrl('/sync'), 'text/html; charset=utf-8', '<!doctype html><title>Hoist</title>'],
      ['app://hoist/', 'text/html; charset=utf-8', '<!doctype html><title>Hoist</title>'],
      ['app://hoist/assets/index-abc.js', 'text/javascript; charset=utf-8', 'console.log(1)'],
      ['app://hoist/assets/index-abc.css', 'text/css; charset=utf-8', 'body{}'],
      ['app://hoist/assets/icon.svg', 'image/svg+xml', '<svg/>'],
      ['app://hoist/assets/data.unknownext', 'application/octet-stream', 'x'],
      ['app://hoist/assets/index-abc.js?v=2', 'text/javascript; charset=utf-8', 'console.log(1)'],
    ];
    for (const [url, type, body] of expectations) {
      const response = await get(url);
      expect(response.status, url).toBe(200);
      expect(response.headers.get('content-type'), url).toBe(type);
      expect(response.headers.get('content-security-policy'), url).toBe(CONTENT_SECURITY_POLICY);
      expect(response.headers.get('x-content-type-options'), url).toBe('nosniff');
      expect(response.headers.get('content-length'), url).toBe(String(Buffer.byteLength(body)));
      expect(await response.text(), url).toBe(body);
    }
    const font = await get('app://hoist/assets/font.woff2');
    expect(font.headers.get('content-type')).toBe('font/woff2');
    expect(Buffer.from(await font.arrayBuffer())).toEqual(Buffer.from([0x77, 0x4f, 0x46, 0x32]));
  });

  it('answers HEAD without a body, and refuses other methods', async () => {
    const head = await get('app://hoist/index.html', 'HEAD');
    expect(head.status).toBe(200);
    expect(head.headers.get('content-length')).toBe('35');
    expect(await head.text()).toBe('');
    for (const method of ['POST', 'PUT', 'DELETE']) {
      const refused = await get('app://hoist/index.html', method);
      expect(refused.status, method).toBe(405);
      expect(refused.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY);
    }
  });

  it('never answers with a file outside the folder, a link, a folder, or for another host', async () => {
    const refused = [
      'app://hoist/../secret.txt',
      'app://hoist/%2e%2e/secret.txt',
      'app://hoist/assets/%2e%2e/%2e%2e/main.js',
      'app://hoist/..%2fsecret.txt',
      'app://hoist/assets%2f..%2f..%2fsecret.txt',
      'app://hoist/..%5csecret.txt',
      'app://hoist/assets/..%5c..%5c..%5csecret.txt',
      'app://hoist/index.html%00.js',
      'app://hoist/assets/link.js',
      'app://hoist/assets',
      'app://hoist/assets/',
      'app://hoist//etc/passwd',
      `app://hoist/${encodeURIComponent(join(root, 'secret.txt'))}`,
      'app://hoist/missing.html',
      'app://other/index.html',
      'app://hoist.evil/index.html',
      'app://hoist:81/index.html',
    ];
    for (const url of refused) {
      const response = await get(url);
      expect(response.status, url).toBe(404);
      expect(response.headers.get('content-security-policy'), url).toBe(CONTENT_SECURITY_POLICY);
      const text = await response.text();
      expect(text, url).toBe('Not found');
    }
    expect((await get('app://hoist/%E0%A4%A.js')).status).toBe(400);
  });

  it('is a standard, secure scheme, so the pages have an origin of their own', () => {
    expect(APP_SCHEME_PRIVILEGES).toMatchObject({ standard: true, secure: true });
    expect(new URL(appPageUrl('/remote')).hash).toBe('#/remote');
  });
});
