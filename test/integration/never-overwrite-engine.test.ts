import { createHash } from 'node:crypto';
import { lstat, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { ProviderKind } from '../../shared/sync-types.js';
import { createProvider } from '../../electron/engine/remote/create-provider.js';
import type { RemoteProvider } from '../../electron/engine/remote/remote-provider.js';
import { EngineHarness } from '../support/engine-harness.js';
import { makeTempDir } from '../support/temp-dir.js';
import { TEST_USERS } from '../support/test-server.js';

// Issue 7 at the engine: the remote object under a file's name is replaced only when this folder
// put it there (or the user said so), on every dialect; another client's change is noticed.

const md5 = (content: string): string => createHash('md5').update(content).digest('hex');

/** Another client of the same account (an AI tool, another computer) storing `content` as `name`. */
async function uploadElsewhere(
  harness: EngineHarness,
  kind: ProviderKind,
  name: string,
  content: string,
): Promise<string> {
  const temp = await makeTempDir('hoist-elsewhere-');
  const provider: RemoteProvider = await createProvider({
    kind,
    baseUrl: harness.server.url,
    token: TEST_USERS.alice.token,
  });
  try {
    const absolutePath = join(temp.path, 'file');
    await writeFile(absolutePath, content);
    const candidate = {
      path: name,
      absolutePath,
      remoteName: name,
      size: Buffer.byteLength(content),
      mimeType: 'text/plain',
      md5Hex: md5(content),
      sha256Hex: createHash('sha256').update(content).digest('hex'),
    };
    const ticket = await provider.prepareUpload(candidate);
    if (ticket.kind === 'existing') return ticket.key;
    return await provider.send(ticket, candidate, async function* () {
      yield Buffer.from(content);
    });
  } finally {
    await provider.close();
    await temp.remove();
  }
}

describe('never overwrite what is not ours', () => {
  let harness: EngineHarness;
  afterEach(async () => {
    await harness.close();
  });

  it('a file the remote already has under that name from elsewhere is not overwritten', async () => {
    harness = await EngineHarness.create();
    const key = await uploadElsewhere(harness, 'local', 'plan.md', 'the AI tool’s plan');
    await harness.write('plan.md', 'my plan, different');
    await harness.write('other.md', 'unrelated');
    const putsBefore = harness.count('object.put');

    const summary = await harness.runOnce();
    expect(summary.uploaded).toBe(1); // other.md only
    expect(harness.count('object.put')).toBe(putsBefore + 1);
    expect(summary.unsynced).toEqual([expect.objectContaining({ path: 'plan.md', state: 'conflict' })]);
    expect(summary.conflicts).toEqual([
      expect.objectContaining({
        path: 'plan.md',
        kind: 'name-taken',
        local: expect.objectContaining({ size: Buffer.byteLength('my plan, different') }),
        remote: expect.objectContaining({ key, size: Buffer.byteLength('the AI tool’s plan') }),
      }),
    ]);
    expect((await harness.storedBytes(key)).toString()).toBe('the AI tool’s plan');
    expect(harness.engine.status().counts).toMatchObject({ synced: 1, conflict: 1 });
  });

  it('an object the cached list has not seen yet is not overwritten either (the remote says so)', async () => {
    harness = await EngineHarness.create();
    await harness.engine.start(); // lists the remote: empty
    const key = await uploadElsewhere(harness, 'local', 'fresh.md', 'put there after our listing');
    await harness.write('fresh.md', 'ours, written later');
    for (let waited = 0; harness.state.files.get('fresh.md')?.state !== 'conflict'; waited += 20) {
      if (waited > 20_000) throw new Error('fresh.md never became a conflict');
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(harness.state.files.get('fresh.md')).toMatchObject({
      conflictKind: 'name-taken',
      conflictKey: key,
    });
    expect((await harness.storedBytes(key)).toString()).toBe('put there after our listing');
  });

  it('an object from our own unrecorded upload (the answer lost, the process killed) is ours, not a conflict', async () => {
    harness = await EngineHarness.create();
    await harness.write('other.txt', 'establishes the pair');
    await harness.runOnce();
    const userPrefix = (harness.state.files.get('other.txt')?.remoteKey ?? '').replace(/other\.txt$/, '');
    // An attempt sent draft.md's bytes to its key and died before recording the outcome...
    await harness.write('draft.md', 'mine');
    const stat = await lstat(harness.path('draft.md'));
    harness.state.files.markSeen(
      'draft.md',
      'draft.md',
      { size: stat.size, mtimeMs: stat.mtimeMs, inode: stat.ino },
      0,
    );
    harness.state.files.markSending('draft.md', `${userPrefix}draft.md`);
    // ...and the server had committed them (here: put there the same way, by another connection).
    const key = await uploadElsewhere(harness, 'local', 'draft.md', 'what that attempt sent');
    const summary = await harness.runOnce();
    expect(summary.conflicts).toEqual([]);
    expect((await harness.storedBytes(key)).toString()).toBe('mine');
  });

  it('identical content already there under that name is adopted, not a conflict', async () => {
    harness = await EngineHarness.create();
    await uploadElsewhere(harness, 'local', 'same.txt', 'same bytes');
    await harness.write('same.txt', 'same bytes');
    const summary = await harness.runOnce();
    expect(summary.conflicts).toEqual([]);
    expect(summary.alreadyOnRemote).toBe(1);
  });

  it('another client replacing our copy is noticed by the next refresh and never overwritten back', async () => {
    harness = await EngineHarness.create();
    await harness.write('notes.txt', 'mine');
    await harness.runOnce();
    const key = await uploadElsewhere(harness, 'local', 'notes.txt', 'theirs, longer');

    const noticed = await harness.engine.refresh();
    expect(noticed.replaced).toEqual(['notes.txt']);
    expect(harness.state.files.get('notes.txt')).toMatchObject({
      state: 'conflict',
      conflictKind: 'replaced-on-remote',
      conflictKey: key,
    });
    // Changing the local file does not make it ours again: still a conflict, still their bytes.
    await harness.write('notes.txt', 'mine, edited');
    const summary = await harness.runOnce();
    expect(summary.conflicts).toEqual([expect.objectContaining({ kind: 'replaced-on-remote' })]);
    expect((await harness.storedBytes(key)).toString()).toBe('theirs, longer');
  });

  it('a same-size replacement is noticed by its date', async () => {
    harness = await EngineHarness.create();
    await harness.write('a.txt', 'AAAA');
    await harness.runOnce();
    await harness.engine.refresh(); // the listed date of our copy becomes the baseline
    await new Promise((resolve) => setTimeout(resolve, 5)); // a later millisecond for the other write
    await uploadElsewhere(harness, 'local', 'a.txt', 'BBBB');
    expect((await harness.engine.refresh()).replaced).toEqual(['a.txt']);
  });

  it('keep both and replace resolutions, checked on the server', async () => {
    harness = await EngineHarness.create();
    const keyA = await uploadElsewhere(harness, 'local', 'a.txt', 'remote a');
    const keyB = await uploadElsewhere(harness, 'local', 'b.txt', 'remote b');
    await harness.write('a.txt', 'local a!');
    await harness.write('b.txt', 'local b!');
    expect((await harness.runOnce()).conflicts).toHaveLength(2);

    expect(harness.engine.resolveConflict('a.txt', 'keep-both')).toMatch(/uploaded as “a \(conflict /);
    expect(harness.engine.resolveConflict('b.txt', 'replace')).toMatch(/Replacing/);
    expect(() => harness.engine.resolveConflict('b.txt', 'ignore')).toThrow(/not in conflict/);
    const summary = await harness.runOnce();
    expect(summary.conflicts).toEqual([]);
    expect(summary.unsynced).toEqual([]);
    expect((await harness.storedBytes(keyA)).toString()).toBe('remote a');
    expect((await harness.storedBytes(keyB)).toString()).toBe('local b!');
    const names = (await harness.remote()).map((entry) => entry.name).sort();
    expect(names).toEqual([
      expect.stringMatching(/^a \(conflict \d{4}-\d{2}-\d{2} .+\)\.txt$/),
      'a.txt',
      'b.txt',
    ]);
  });

  it('a conflict whose remote file disappears uploads the file', async () => {
    harness = await EngineHarness.create();
    const key = await uploadElsewhere(harness, 'local', 'x.txt', 'theirs');
    await harness.write('x.txt', 'mine!');
    expect((await harness.runOnce()).conflicts).toHaveLength(1);
    await harness.provider.delete(key);
    const summary = await harness.runOnce();
    expect(summary.conflicts).toEqual([]);
    expect((await harness.storedBytes(key)).toString()).toBe('mine!');
  });

  it('mirrored deletions never delete a copy someone else replaced', async () => {
    harness = await EngineHarness.create({ settings: { mirrorDeletions: true } });
    for (const name of ['a.txt', 'b.txt', 'c.txt', 'd.txt']) await harness.write(name, name);
    await harness.runOnce();
    const key = await uploadElsewhere(harness, 'local', 'b.txt', 'replaced by someone');
    await rm(harness.path('b.txt'));
    const summary = await harness.runOnce();
    expect(summary.deletions).toMatchObject({ kind: 'applied', failed: 0 });
    expect(harness.count('alloy.delete')).toBe(0);
    expect((await harness.storedBytes(key)).toString()).toBe('replaced by someone');
  });

  it('Composio: a file from elsewhere is not overwritten, and a replacement is seen by its MD5', async () => {
    harness = await EngineHarness.create({ kind: 'composio' });
    await harness.write('seen.txt', 'seen by us');
    await harness.runOnce();
    await uploadElsewhere(harness, 'composio', 'fresh.txt', 'put there by someone else');
    await harness.write('fresh.txt', 'ours, different');
    const summary = await harness.runOnce();
    expect(summary.conflicts).toEqual([expect.objectContaining({ path: 'fresh.txt', kind: 'name-taken' })]);

    // A replacement of our copy is seen by its MD5 (Composio lists no size or date).
    await uploadElsewhere(harness, 'composio', 'seen.txt', 'changed by someone else');
    expect((await harness.engine.refresh()).replaced).toEqual(['seen.txt']);
  });

  it('Composio v3.1 (whose tickets always say “new”): identical bytes listed under our name are adopted, with no PUT', async () => {
    harness = await EngineHarness.create({ kind: 'composio' });
    await uploadElsewhere(harness, 'composio', 'same.txt', 'same bytes');
    await uploadElsewhere(harness, 'composio', 'other.txt', 'their bytes');
    const putsBefore = harness.count('object.put');
    await harness.write('same.txt', 'same bytes');
    await harness.write('other.txt', 'our different bytes');
    const summary = await harness.runOnce();
    expect(summary.conflicts).toEqual([expect.objectContaining({ path: 'other.txt', kind: 'name-taken' })]);
    expect(summary.alreadyOnRemote).toBe(1);
    expect(harness.count('object.put')).toBe(putsBefore);
    expect(harness.state.files.get('same.txt')).toMatchObject({ state: 'synced' });
  });

  it('Composio: the list shows other toolkits’ files, marked and never touched by sync', async () => {
    harness = await EngineHarness.create({ kind: 'composio' });
    const gmail = await createProvider({
      kind: 'composio',
      baseUrl: harness.server.url,
      token: TEST_USERS.alice.token,
      composio: { toolkitSlug: 'gmail', toolSlug: 'send_email' },
    });
    const temp = await makeTempDir('hoist-gmail-');
    try {
      const absolutePath = join(temp.path, 'f');
      await writeFile(absolutePath, 'an attachment');
      const candidate = {
        path: 'notes.txt',
        absolutePath,
        remoteName: 'notes.txt',
        size: 13,
        mimeType: 'text/plain',
        md5Hex: md5('an attachment'),
        sha256Hex: null,
      };
      const ticket = await gmail.prepareUpload(candidate);
      if (ticket.kind !== 'send') throw new Error('expected send');
      await gmail.send(ticket, candidate, async function* () {
        yield Buffer.from('an attachment');
      });
    } finally {
      await gmail.close();
      await temp.remove();
    }
    await harness.write('notes.txt', 'my own notes');
    const summary = await harness.runOnce();
    expect(summary.conflicts).toEqual([]);
    expect(summary.uploaded).toBe(1);
    const page = harness.state.browse.page({ offset: 0, limit: 10 });
    expect(page.items.map(({ key, displayPath, origin }) => ({ key, displayPath, origin }))).toEqual([
      { key: 'gmail/send_email/notes.txt', displayPath: 'gmail/send_email/notes.txt', origin: 'elsewhere' },
      { key: 'hoist/sync/notes.txt', displayPath: 'notes.txt', origin: 'this-folder' },
    ]);
  });

  it('Open WebUI never replaces by name: two files of one name both stay', async () => {
    harness = await EngineHarness.create({ kind: 'openwebui' });
    await uploadElsewhere(harness, 'openwebui', 'report.txt', 'someone else’s report');
    await harness.write('report.txt', 'my report');
    const summary = await harness.runOnce();
    expect(summary.conflicts).toEqual([]);
    expect(summary.uploaded).toBe(1);
    const reports = (await harness.remote()).filter((entry) => entry.name === 'report.txt');
    expect(reports).toHaveLength(2);
  });
});
