import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join, relative, resolve, sep } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { http } from '../support/http.js';
import { makeTempDir } from '../support/temp-dir.js';
import { TEST_USERS, startTestServer, type TestServer } from '../support/test-server.js';

const md5Hex = (body: string): string => createHash('md5').update(body).digest('hex');
const utf8Bytes = (text: string): number => Buffer.byteLength(text, 'utf8');

interface Ticket {
  md5: string;
  presignedUrl: string;
  type: 'new' | 'existing';
  s3Key: string;
}

/** Every entry under `dir`, directories with a trailing separator, relative and sorted. */
async function treeOf(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .map((entry) => relative(dir, join(entry.parentPath, entry.name)) + (entry.isDirectory() ? sep : ''))
    .sort();
}

const DATA_DIR_ENTRY = /^(catalog\.db(-wal|-shm|-journal)?|signing\.key|blobs\/|tmp\/)$/;
const BLOB_ENTRY = /^blobs\/([0-9a-f]{2})\/(\1[0-9a-f]{62})\.[0-9a-f]{32}$/;

describe('Alloy dialect: hostile and unusual filenames', () => {
  let root: { path: string; remove: () => Promise<void> };
  let dataDir: string;
  let remote: TestServer;

  beforeEach(async () => {
    // The data dir sits two levels down in a dir of its own, so anything written beside it shows.
    root = await makeTempDir('hoist-names-');
    dataDir = join(root.path, 'nest', 'data');
    remote = await startTestServer({ dataDir });
  });
  afterEach(async () => {
    await remote.close();
    await root.remove();
  });

  const headers = {
    authorization: `Bearer ${TEST_USERS.alice.token}`,
    'x-api-version': '2025-09',
    'content-type': 'application/json',
  };
  const aliceId = (): string => remote.server.users.find((user) => user.name === 'alice')?.id ?? '';

  const request = (filename: string, body: string) =>
    http(`${remote.url}/connectors/files/upload/request`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ filename, mimeType: 'text/plain', md5: md5Hex(body) }),
    });

  const upload = async (filename: string, body: string): Promise<Ticket> => {
    const response = await request(filename, body);
    expect(response.status, `${JSON.stringify(filename)}: ${response.text}`).toBe(200);
    const ticket = response.json<{ presignedUrl: Ticket }>().presignedUrl;
    const put = await http(ticket.presignedUrl, {
      method: 'PUT',
      headers: { 'content-type': 'text/plain', 'content-md5': ticket.md5 },
      body,
    });
    expect(put.status, `${JSON.stringify(filename)}: ${put.text}`).toBe(200);
    return ticket;
  };

  const list = async () => {
    const response = await http(`${remote.url}/connectors/files/list`, { headers });
    expect(response.status).toBe(200);
    return response.json<{ files: Array<{ s3Key: string; filename: string; size: number }> }>().files;
  };

  /** The data dir holds only the catalog, the signing key, hashed blobs and an empty tmp/; nothing beside it. */
  const expectConfinedToDataDir = async (): Promise<string[]> => {
    const dataPrefix = `nest${sep}data${sep}`;
    const outside = (await treeOf(root.path)).filter(
      (entry) => !entry.startsWith(dataPrefix) || entry === dataPrefix,
    );
    expect(outside).toEqual([`nest${sep}`, dataPrefix]);
    const inside = (await treeOf(dataDir)).map((entry) => entry.split(sep).join('/'));
    const topLevel = inside.filter((entry) => !/\/./.test(entry));
    for (const entry of topLevel) expect(entry).toMatch(DATA_DIR_ENTRY);
    expect(topLevel).toEqual(expect.arrayContaining(['blobs/', 'tmp/', 'signing.key', 'catalog.db']));
    const blobs = inside.filter((entry) => entry.startsWith('blobs/') && !entry.endsWith('/'));
    for (const blob of blobs) expect(blob).toMatch(BLOB_ENTRY);
    const blobDirs = inside.filter(
      (entry) => entry.startsWith('blobs/') && entry.endsWith('/') && entry !== 'blobs/',
    );
    for (const blobDir of blobDirs) expect(blobDir).toMatch(/^blobs\/[0-9a-f]{2}\/$/);
    expect(inside.filter((entry) => entry.startsWith('tmp/') && entry !== 'tmp/')).toEqual([]);
    return blobs;
  };

  const traversalNames = [
    '../../escape-1.txt',
    '..\\..\\escape-2.txt',
    '../../../../../../../../etc/escape-3.txt',
    'a/../../escape-4.txt',
    'C:\\Windows\\System32\\escape-5.txt',
    '\\\\server\\share\\escape-6.txt',
    '/tmp/escape-7.txt',
  ];

  it('keeps only the last path segment of traversal and absolute names, and writes nowhere else', async () => {
    const absoluteTarget = join(root.path, 'absolute-target.txt');
    const names = [...traversalNames, absoluteTarget, '..', '.'];
    const expected = [
      'escape-1.txt',
      'escape-2.txt',
      'escape-3.txt',
      'escape-4.txt',
      'escape-5.txt',
      'escape-6.txt',
      'escape-7.txt',
      'absolute-target.txt',
      '..',
      '.',
    ];
    const tickets: Ticket[] = [];
    for (const [index, name] of names.entries()) {
      const ticket = await upload(name, `body of ${index}`);
      expect(ticket.s3Key, name).toBe(`${aliceId()}_${expected[index]}`);
      tickets.push(ticket);
    }
    const listed = await list();
    expect(listed.map((file) => file.filename).sort()).toEqual([...expected].sort());
    for (const file of listed) expect(file.filename).not.toMatch(/[/\\]/);

    // No name resolved against any directory the server works in became a file.
    const workDirs = [dataDir, join(dataDir, 'blobs'), join(dataDir, 'tmp'), root.path, process.cwd()];
    for (const name of names) {
      for (const dir of workDirs) {
        for (const candidate of [resolve(dir, name), resolve(dir, name.replaceAll('\\', '/'))]) {
          if (candidate === resolve(dir) || candidate === resolve(dir, '..')) continue;
          expect(existsSync(candidate), candidate).toBe(false);
        }
      }
    }
    expect(existsSync(absoluteTarget)).toBe(false);
    expect(await expectConfinedToDataDir()).toHaveLength(names.length);

    // The odd keys delete like any other, and take their blobs with them.
    for (const ticket of tickets) {
      const removed = await http(`${remote.url}/connectors/files/${encodeURIComponent(ticket.s3Key)}`, {
        method: 'DELETE',
        headers,
      });
      expect(removed.status, ticket.s3Key).toBe(200);
    }
    expect(await list()).toEqual([]);
    expect(await expectConfinedToDataDir()).toEqual([]);
  });

  it('gives NFD and NFC spellings of a name the same key', async () => {
    const nfd = 'Cafe\u0301 cre\u0300me.txt';
    const nfc = 'Caf\u00e9 cr\u00e8me.txt';
    expect(nfd).not.toBe(nfc);
    expect(nfd.normalize('NFC')).toBe(nfc);
    const first = await upload(nfd, 'same bytes');
    expect(first.s3Key).toBe(`${aliceId()}_${nfc}`);
    const again = await request(nfc, 'same bytes');
    expect(again.json<{ presignedUrl: Ticket }>().presignedUrl).toMatchObject({
      type: 'existing',
      s3Key: first.s3Key,
    });
    // And new bytes under the other spelling overwrite the same file rather than adding one.
    await upload(nfc, 'newer bytes!');
    expect(await list()).toEqual([
      { s3Key: first.s3Key, filename: nfc, size: 12, lastModified: expect.any(String) },
    ]);
  });

  const unicodeCases: Array<[string, string, string]> = [
    [
      'control characters dropped',
      'tab\there\u0000nul\u001besc\u007fdel\u0085nel\r\n.txt',
      'tabherenulescdelnel.txt',
    ],
    ['reserved characters replaced', 'a:b*c?d"e<f>g|h.txt', 'a_b_c_d_e_f_g_h.txt'],
    ['an RTL override kept as text', 'invoice\u202Etxt.exe', 'invoice\u202Etxt.exe'],
    ['emoji and ZWJ sequences kept', '📄 notes 👩‍👩‍👧 ✅.txt', '📄 notes 👩‍👩‍👧 ✅.txt'],
    ['a lone surrogate made visible', 'x\uD800y.txt', 'x\uFFFDy.txt'],
    ['percent signs and spaces kept', '100% sure %2F .txt', '100% sure %2F .txt'],
    // U+10FFFF is a valid (noncharacter) code point the sanitizer keeps; listing must not lose the file.
    ['the last code point first', '\u{10FFFF}last.txt', '\u{10FFFF}last.txt'],
    ['a private-use character first', '\u{F8FF}apple.txt', '\u{F8FF}apple.txt'],
  ];
  for (const [what, name, expected] of unicodeCases) {
    it(`handles a name with ${what}`, async () => {
      const ticket = await upload(name, `content for ${what}`);
      expect(ticket.s3Key).toBe(`${aliceId()}_${expected}`);
      expect(await list()).toEqual([
        {
          s3Key: ticket.s3Key,
          filename: expected,
          size: utf8Bytes(`content for ${what}`),
          lastModified: expect.any(String),
        },
      ]);
      const removed = await http(`${remote.url}/connectors/files/${encodeURIComponent(ticket.s3Key)}`, {
        method: 'DELETE',
        headers,
      });
      expect(removed.status).toBe(200);
      expect(await list()).toEqual([]);
      await expectConfinedToDataDir();
    });
  }

  it('caps 300-byte names at 255 UTF-8 bytes, keeping the extension and whole characters', async () => {
    const cases: Array<[string, string]> = [
      [`${'n'.repeat(296)}.txt`, `${'n'.repeat(251)}.txt`],
      [`${'\u00e9'.repeat(148)}.txt`, `${'\u00e9'.repeat(125)}.txt`],
      [`${'😀'.repeat(74)}.txt`, `${'😀'.repeat(62)}.txt`],
      // Only the last extension is kept: the stem (with its ".tar") is what gets cut.
      [`${'d'.repeat(293)}.tar.gz`, `${'d'.repeat(252)}.gz`],
    ];
    for (const [name] of cases) expect(utf8Bytes(name)).toBe(300);
    for (const [index, [name, expected]] of cases.entries()) {
      const ticket = await upload(name, `long ${index}`);
      expect(ticket.s3Key).toBe(`${aliceId()}_${expected}`);
      expect(utf8Bytes(expected)).toBeLessThanOrEqual(255);
    }
    expect((await list()).map((file) => utf8Bytes(file.filename)).sort((a, b) => a - b)).toEqual([
      252, 254, 255, 255,
    ]);
    await expectConfinedToDataDir();
  });

  it('answers 400 for a name that sanitizes to nothing, and stores nothing', async () => {
    for (const name of ['docs/', '../', '..\\', 'C:\\', '\u0000\u0007\u001f', '\u0085', '/']) {
      const response = await request(name, 'x');
      expect(response.status, JSON.stringify(name)).toBe(400);
      expect(response.json()).toEqual({
        error: { code: 'INVALID_FILENAME', message: expect.stringMatching(/filename/) },
      });
    }
    expect(await list()).toEqual([]);
    await expectConfinedToDataDir();
  });
});
