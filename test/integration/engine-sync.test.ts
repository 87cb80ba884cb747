import { createHash } from 'node:crypto';
import { lstat, rename, utimes } from 'node:fs/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { EngineHarness } from '../support/engine-harness.js';

const md5 = (content: string | Buffer): string => createHash('md5').update(content).digest('hex');

describe('sync engine against the reference server', () => {
  let harness: EngineHarness;
  afterEach(async () => {
    await harness.close();
  });

  it('uploads a nested tree, then a restart with no change hashes nothing and asks nothing', async () => {
    harness = await EngineHarness.create();
    const files: Record<string, string> = {
      'top.txt': 'top',
      'docs/report.pdf': 'pdf bytes',
      'docs/2024/q1/summary.md': '# q1',
      'docs/2024/q2/summary.md': '# q2',
      'photos/raw/img.raw': 'x'.repeat(300_000),
      'empty.bin': '',
    };
    for (const [path, content] of Object.entries(files)) await harness.write(path, content);

    const first = await harness.runOnce();
    expect(first.unsynced).toEqual([]);
    expect(first.uploaded).toBe(6);
    expect(await harness.remotePaths()).toEqual(Object.keys(files).sort());
    expect(harness.count('object.put')).toBe(6);
    const remote = await harness.remote();
    const report = remote.find((entry) => entry.name === 'docs∕report.pdf');
    expect(report).toBeDefined();
    expect(await harness.storedBytes(report?.key ?? '')).toEqual(Buffer.from('pdf bytes'));
    const empty = remote.find((entry) => entry.name === 'empty.bin');
    expect(empty?.size).toBe(0);

    const requestsBefore = harness.count('alloy.upload-request');
    await harness.restart();
    const second = await harness.runOnce();
    expect(harness.hasher.stats.bytesHashed).toBe(0);
    expect(harness.hasher.stats.filesHashed).toBe(0);
    expect(harness.count('alloy.upload-request')).toBe(requestsBefore);
    expect(harness.count('object.put')).toBe(6);
    expect(second.uploaded + second.alreadyOnRemote).toBe(0);
    expect(harness.engine.status().counts.synced).toBe(6);
  });

  it('lists again only when the remote changed: an unchanged listing costs a 304, a change behind its back is seen', async () => {
    harness = await EngineHarness.create();
    await harness.write('a.txt', 'a');
    await harness.write('b.txt', 'b');
    await harness.runOnce();
    expect(harness.state.mirror.listingVersion()).toMatch(/^"/);

    await harness.restart();
    await harness.runOnce();
    const quiet = await harness.engine.refresh();
    expect(quiet).toEqual({
      unchanged: true,
      remoteFiles: null,
      added: 0,
      removed: 0,
      lost: [],
      replaced: [],
      released: [],
    });
    expect(harness.state.mirror.count()).toBe(2);

    // Another client (the same account, not through this engine) deletes b.txt on the remote.
    const copyOfB = (await harness.remote()).find((entry) => entry.name === 'b.txt');
    await harness.provider.delete(copyOfB?.key ?? '');
    const seen = await harness.engine.refresh();
    expect(seen).toMatchObject({ unchanged: false, remoteFiles: 1, removed: 1, lost: ['b.txt'] });
    const afterDelete = harness.state.mirror.listingVersion();
    expect(afterDelete).not.toBeNull();

    // Recording the re-upload in the mirror drops the version it held (the mirror is no longer that
    // listing); the refresh after the batch takes the remote's new one.
    await harness.runOnce();
    expect(await harness.remotePaths()).toEqual(['a.txt', 'b.txt']);
    const afterUpload = harness.state.mirror.listingVersion();
    expect(afterUpload).not.toBeNull();
    expect(afterUpload).not.toBe(afterDelete);
    expect((await harness.engine.refresh()).unchanged).toBe(true);
    harness.state.mirror.remove('no-such-key');
    expect(harness.state.mirror.listingVersion()).toBeNull();
    expect((await harness.engine.refresh()).unchanged).toBe(false);
  });

  it('sends at most `concurrency` bodies at once, while other files get their tickets meanwhile', async () => {
    harness = await EngineHarness.create({
      settings: { concurrency: 2 },
      // Slow PUTs, so that transfers overlap and the limit is what holds them back.
      server: { faults: { seed: 1, routes: { 'object.put': { latencyMs: 60 } } } },
    });
    for (let index = 0; index < 12; index++) await harness.write(`f${index}.txt`, `content ${index}`);
    // Spies around the real provider's methods (the requests still go to the real server).
    const provider = harness.provider;
    // Each file asks for its own ticket, as against real Alloy, which takes no batches of them
    // (engine-ticket-batches.test.ts covers the batches): the overlap tested here is of those requests.
    if (provider.ticketBatches) Object.defineProperty(provider.ticketBatches, 'maxFiles', { get: () => 0 });
    let sending = 0;
    let peakSending = 0;
    let ticketsDuringFullTransfers = 0;
    const send = provider.send.bind(provider);
    const prepare = provider.prepareUpload.bind(provider);
    provider.send = async (...args) => {
      sending++;
      peakSending = Math.max(peakSending, sending);
      try {
        return await send(...args);
      } finally {
        sending--;
      }
    };
    provider.prepareUpload = async (...args) => {
      if (sending === 2) ticketsDuringFullTransfers++;
      return prepare(...args);
    };
    const summary = await harness.runOnce();
    expect(summary.uploaded).toBe(12);
    expect(harness.count('object.put')).toBe(12);
    expect(peakSending).toBe(2);
    expect(ticketsDuringFullTransfers).toBeGreaterThan(0);
  });

  it('changing one file costs exactly one PUT, and touching one without changing it costs none', async () => {
    harness = await EngineHarness.create();
    for (let index = 0; index < 5; index++) await harness.write(`f${index}.txt`, `content ${index}`);
    await harness.runOnce();
    expect(harness.count('object.put')).toBe(5);
    // Requests for tickets, one file's or a batch's (engine-ticket-batches.test.ts).
    const ticketRequests = (): number =>
      harness.count('alloy.upload-request') + harness.count('alloy.upload-request-batch');
    const before = ticketRequests();

    await harness.write('f2.txt', 'content 2, edited');
    const future = new Date(Date.now() + 5000);
    await utimes(harness.path('f3.txt'), future, future);
    const summary = await harness.runOnce();
    expect(summary.unsynced).toEqual([]);
    expect(harness.count('object.put')).toBe(6);
    // f3 was re-hashed (its mtime moved) but its content matched what the remote has: no request.
    // f2 alone was asked about, alone.
    expect(ticketRequests()).toBe(before + 1);
    expect(harness.count('alloy.upload-request-batch')).toBeLessThanOrEqual(1);
    const f2 = (await harness.remote()).find((entry) => entry.name === 'f2.txt');
    expect(await harness.storedBytes(f2?.key ?? '')).toEqual(Buffer.from('content 2, edited'));
  });

  it('a touched file whose remote copy vanished meanwhile is uploaded again, not taken as synced', async () => {
    harness = await EngineHarness.create();
    await harness.write('a.txt', 'same bytes');
    await harness.runOnce();
    const [copy] = await harness.remote();
    expect(copy?.name).toBe('a.txt');

    // Touched (same bytes, new mtime), and seen so by a scan before the next refresh: the file
    // waits to be hashed again, still pointing at its remote copy.
    const future = new Date(Date.now() + 5000);
    await utimes(harness.path('a.txt'), future, future);
    const stat = await lstat(harness.path('a.txt'));
    harness.state.files.markSeen(
      'a.txt',
      'a.txt',
      { size: stat.size, mtimeMs: stat.mtimeMs, inode: stat.ino },
      Date.now(),
    );
    // Meanwhile another client deletes that copy; the refresh sees it gone.
    await harness.provider.delete(copy?.key ?? '');
    expect(await harness.remote()).toEqual([]);

    const summary = await harness.runOnce();
    expect(summary.unsynced).toEqual([]);
    // Same bytes as the copy it had, but that copy is gone: it must be sent again.
    expect(harness.count('object.put')).toBe(2);
    expect(await harness.remotePaths()).toEqual(['a.txt']);
    expect(harness.engine.status().counts.synced).toBe(1);
  });

  it('does not PUT content the remote already has under that name', async () => {
    harness = await EngineHarness.create();
    await harness.write('a.txt', 'shared content');
    await harness.runOnce();
    // As if the state were lost (a reinstall): the remote already has the content under that name.
    await harness.restart();
    for (const file of harness.state.files.inState('synced', 100)) harness.state.files.remove(file.path);
    const summary = await harness.runOnce();
    expect(summary.alreadyOnRemote).toBe(1);
    expect(summary.uploaded).toBe(0);
    expect(harness.count('object.put')).toBe(1);
  });

  it('a renamed file is not read again and lands under its new name', async () => {
    harness = await EngineHarness.create();
    await harness.write('old/name.txt', 'renamed content');
    await harness.runOnce();
    await harness.restart();
    await rename(harness.path('old'), harness.path('new'));
    const summary = await harness.runOnce();
    expect(summary.unsynced).toEqual([]);
    expect(harness.hasher.stats.bytesHashed).toBe(0);
    // Without mirrored deletions the old copy stays on the remote, marked deleted locally.
    expect(await harness.remotePaths()).toEqual(['new/name.txt', 'old/name.txt']);
    const page = harness.state.browse.page({ offset: 0, limit: 100, sort: 'name' });
    expect(page.items.map((item) => [item.displayPath, item.deletedLocally])).toEqual([
      ['new/name.txt', false],
      ['old/name.txt', true],
    ]);
  });

  it('follows .hoistignore and never syncs temp or system files', async () => {
    harness = await EngineHarness.create();
    await harness.write('.hoistignore', 'build/\n*.log\n!keep.log\n');
    await harness.write('build/out.js', 'ignored');
    await harness.write('app.log', 'ignored');
    await harness.write('keep.log', 'kept');
    await harness.write('src/main.ts', 'kept');
    for (const junk of [
      '.DS_Store',
      'Thumbs.db',
      'desktop.ini',
      'doc.txt.swp',
      '~$report.docx',
      'movie.mp4.crdownload',
      'notes.txt~',
    ]) {
      await harness.write(junk, 'junk');
    }
    const summary = await harness.runOnce();
    expect(summary.unsynced).toEqual([]);
    // .hoistignore itself is Hoist's control file: never uploaded (hoistignore-not-synced.test.ts).
    expect(await harness.remotePaths()).toEqual(['keep.log', 'src/main.ts']);
  });

  it('keeps Unicode names, and long names stay distinct within the 255-byte limit', async () => {
    harness = await EngineHarness.create();
    const names = [
      'Café/naïve résumé.txt',
      '日本語/ファイル.md',
      'emoji/🎉 party 👩‍👩‍👧.txt',
      'odd/a:b*c?d.txt',
      'odd/100% done.txt',
      `long/${'x'.repeat(240)}-one.txt`,
      `long/${'x'.repeat(240)}-two.txt`,
    ];
    for (const name of names) await harness.write(name, `content of ${name}`);
    const summary = await harness.runOnce();
    expect(summary.unsynced).toEqual([]);
    const remote = await harness.remote();
    expect(remote).toHaveLength(names.length);
    for (const entry of remote) expect(Buffer.byteLength(entry.name)).toBeLessThanOrEqual(255);
    const decoded = remote.map((entry) => entry.name).map((name) => name);
    expect(new Set(decoded).size).toBe(names.length);
    const shortNames = names.filter((name) => !name.startsWith('long/'));
    expect((await harness.remotePaths()).filter((path) => !path.startsWith('long/'))).toEqual(
      shortNames.sort(),
    );
    // What the browse window shows is the local path, whatever the remote name had to become.
    const shown = harness.state.browse
      .page({ offset: 0, limit: 100 })
      .items.map((item) => item.displayPath)
      .sort();
    expect(shown).toEqual([...names].sort());
  });

  it('reports NFC/NFD twins as a conflict and uploads neither, then recovers when one is renamed', async () => {
    harness = await EngineHarness.create();
    const nfc = 'M\u00fcnchen.txt';
    const nfd = 'Mu\u0308nchen.txt';
    await harness.write(nfc, 'composed');
    await harness.write(nfd, 'decomposed');
    await harness.write('other.txt', 'unrelated');
    const summary = await harness.runOnce();
    expect(summary.unsynced.map((file) => file.state).sort()).toEqual(['conflict', 'conflict']);
    expect(summary.unsynced[0]?.message).toMatch(/same name .* on the remote/);
    expect(await harness.remotePaths()).toEqual(['other.txt']);

    await rename(harness.path(nfd), harness.path('Muenchen.txt'));
    const after = await harness.runOnce();
    expect(after.unsynced).toEqual([]);
    expect(await harness.remotePaths()).toEqual(['Muenchen.txt', nfc, 'other.txt'].sort());
  });

  it('a file that owns its remote name keeps it when a twin appears', async () => {
    harness = await EngineHarness.create();
    await harness.write('M\u00fcnchen.txt', 'first');
    await harness.runOnce();
    await harness.write('Mu\u0308nchen.txt', 'second');
    await harness.write('M\u00fcnchen.txt', 'first, edited');
    const summary = await harness.runOnce();
    expect(summary.unsynced).toEqual([
      { path: 'Mu\u0308nchen.txt', state: 'conflict', message: expect.stringMatching(/would overwrite/) },
    ]);
    const entry = (await harness.remote()).find((candidate) => candidate.name === 'M\u00fcnchen.txt');
    expect(md5(await harness.storedBytes(entry?.key ?? ''))).toBe(md5('first, edited'));
  });
});
