import { mkdir } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CliProcesses, type Cli } from '../support/cli-process.js';
import { until } from '../support/poll-until.js';
import { makeTempDir } from '../support/temp-dir.js';
import { TEST_USERS, startTestServer, type TestServer } from '../support/test-server.js';
import { UI_LINK, openBridge, openLink, type BridgeTestClient } from '../support/ui-session.js';

const TOKEN = TEST_USERS.alice.token;

/** Another remote, as an attacker or a typo would name it: records every credential header it gets. */
async function recordingServer(): Promise<{ url: string; seen: string[]; close(): Promise<void> }> {
  const seen: string[] = [];
  const server: Server = createServer((req, res) => {
    seen.push(`${req.headers.authorization ?? ''} ${req.headers['x-api-key'] ?? ''}`.trim());
    res.writeHead(401, { 'content-type': 'application/json' }).end('{"error":"who are you"}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as { port: number }).port}`,
    seen,
    close: async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

describe('under hoist ui, HOIST_TOKEN goes only to the remote it was given for', () => {
  let temp: { path: string; remove: () => Promise<void> };
  let processes: CliProcesses;
  let reference: TestServer;
  let recorder: Awaited<ReturnType<typeof recordingServer>>;
  let ui: Cli;
  let bridge: BridgeTestClient;

  beforeEach(async () => {
    temp = await makeTempDir('hoist-token-binding-');
    processes = new CliProcesses(() => temp.path);
    reference = await startTestServer();
    recorder = await recordingServer();
    const folder = join(temp.path, 'folder');
    await mkdir(folder);
    const args = ['ui', '--no-open', '--state', join(temp.path, 'data'), folder];
    ui = processes.spawn([...args, '--provider', 'local', '--remote', reference.url], { HOIST_TOKEN: TOKEN });
    const [, link] = await ui.waitForStdout(UI_LINK, 30_000);
    bridge = await openBridge(await openLink(link as string));
  });
  afterEach(async () => {
    bridge?.close();
    await processes.killAll();
    await recorder.close();
    await reference.close();
    await temp.remove();
  });

  it('Test connection: the bound remote (however its URL is written) yes; another URL or API, never', async () => {
    const port = new URL(reference.url).port;
    expect(
      await bridge.call('connection.test', { provider: 'local', remoteUrl: `HTTP://127.0.0.1:${port}/` }),
    ).toMatchObject({ ok: true, result: { ok: true } });
    for (const [provider, remoteUrl] of [
      ['local', recorder.url],
      ['openwebui', recorder.url],
      ['alloy', recorder.url],
      // The same server through another API is another remote.
      ['openwebui', reference.url],
    ] as const) {
      expect(
        await bridge.call('connection.test', { provider, remoteUrl }),
        `${provider} ${remoteUrl}`,
      ).toMatchObject({
        ok: true,
        result: {
          ok: false,
          message: expect.stringMatching(/^No API token for this remote: type its token/),
        },
      });
    }
    expect(recorder.seen).toEqual([]);
    // A token typed for the other remote goes there, and only that one (the recorder does record).
    await bridge.call('connection.test', {
      provider: 'local',
      remoteUrl: recorder.url,
      token: 'typed-for-it',
    });
    expect(recorder.seen).toEqual(['Bearer typed-for-it']);
  });

  it('a pair moved to another remote without its own token sends it nothing', async () => {
    const folder = join(temp.path, 'folder');
    const before = (await bridge.call('app.get')) as {
      result: { folders: Array<{ id: string; folder: string }> };
    };
    const id = before.result.folders.find((configured) => configured.folder === folder)?.id;
    // "Choose another remote" for the folder hoist ui was started with.
    await bridge.call('folders.update', { folder: id, remoteUrl: recorder.url });
    // Either it says why it cannot sync (no token), or it went to the remote: then with what?
    await until('the folder says why it cannot sync, or reached the remote', async () => {
      const view = (await bridge.call('app.get')) as {
        result?: { folders: Array<{ openError: string | null }> };
      };
      return typeof view.result?.folders[0]?.openError === 'string' || recorder.seen.length > 0;
    });
    expect(recorder.seen.filter((headers) => headers.includes(TOKEN))).toEqual([]);
  });
});
