import { createHash } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { AlloyProvider } from '../../electron/engine/remote/alloy-provider.js';
import { EngineHarness } from '../support/engine-harness.js';
import { TEST_USERS } from '../support/test-server.js';

// "The listing fetched twice" (issue 11): a `--once` run lists the remote at its start; it lists
// again at its end only when it stored bytes, whose listed dates are the baselines that show a
// later replacement. Counted on the reference server's own request counters.

const md5 = (content: string): string => createHash('md5').update(content).digest('hex');

describe('listings per --once run', () => {
  let harness: EngineHarness;
  afterEach(async () => {
    await harness.close();
  });

  /** Another client of the same account storing `content` as `name` (no folder encoding needed). */
  const storeElsewhere = async (name: string, content: string): Promise<void> => {
    const other = new AlloyProvider({ baseUrl: harness.server.url, token: TEST_USERS.alice.token });
    const candidate = {
      path: name,
      absolutePath: '/unused: the body comes from memory',
      remoteName: name,
      size: Buffer.byteLength(content),
      mimeType: 'text/plain',
      md5Hex: md5(content),
      sha256Hex: null,
    };
    try {
      const ticket = await other.prepareUpload(candidate);
      if (ticket.kind !== 'send') throw new Error(`${name} was already there`);
      await other.send(ticket, candidate, async function* () {
        yield Buffer.from(content);
      });
    } finally {
      await other.close();
    }
  };

  it('a first run whose files are all on the remote already lists once, and takes the listed dates', async () => {
    harness = await EngineHarness.create();
    for (const name of ['a.txt', 'b.txt', 'c.txt']) {
      await storeElsewhere(name, `content of ${name}`);
      await harness.write(name, `content of ${name}`);
    }
    const listsBefore = harness.count('alloy.list');
    const summary = await harness.runOnce();
    expect(summary).toMatchObject({ uploaded: 0, alreadyOnRemote: 3, unsynced: [] });
    expect(harness.count('alloy.list') - listsBefore).toBe(1);
    // The mirror is still exactly the remote's listing (its version kept), and each file's baseline
    // is the date that listing gave its copy.
    expect(harness.state.mirror.listingVersion()).not.toBeNull();
    for (const name of ['a.txt', 'b.txt', 'c.txt']) {
      const file = harness.state.files.get(name);
      const copy = harness.state.mirror.copy(file?.remoteKey ?? '');
      expect(file?.syncedRemoteModified).toEqual(copy?.lastModified);
      expect(file?.syncedRemoteModified).not.toBeNull();
    }

    // Nothing to do: one conditional listing, answered 304.
    await harness.runOnce();
    expect(harness.count('alloy.list') - listsBefore).toBe(2);
  });

  it('a run that stores bytes lists again at its end, for the dates of the new copies', async () => {
    harness = await EngineHarness.create();
    await harness.write('new.txt', 'only here');
    const listsBefore = harness.count('alloy.list');
    expect(await harness.runOnce()).toMatchObject({ uploaded: 1 });
    expect(harness.count('alloy.list') - listsBefore).toBe(2);
    const file = harness.state.files.get('new.txt');
    expect(file?.syncedRemoteModified).toEqual(
      harness.state.mirror.copy(file?.remoteKey ?? '')?.lastModified,
    );
    expect(file?.syncedRemoteModified).not.toBeNull();
  });
});
