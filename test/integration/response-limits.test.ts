import { createServer, type Server } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { createProvider } from '../../electron/engine/remote/create-provider.js';

// Memory follows what the route can legitimately send, not what a server chooses to send (issue 11):
// a misbehaving server answering an upload ticket with megabytes is refused after 256 KiB.

let server: Server | undefined;
afterEach(async () => {
  await new Promise((resolve) => server?.close(resolve));
});

/** Answers every request with `bytes` of a JSON string, streamed, and counts what it managed to send. */
async function bloatedServer(bytes: number): Promise<{ url: string; sent: () => number }> {
  let sent = 0;
  server = createServer((_request, response) => {
    response.writeHead(200, { 'content-type': 'application/json' });
    const chunk = Buffer.alloc(64 * 1024, 'a');
    response.write('{"presignedUrl": {"type": "new", "s3Key": "k", "padding": "');
    const pump = (): void => {
      while (sent < bytes) {
        sent += chunk.length;
        if (!response.write(chunk)) {
          response.once('drain', pump);
          return;
        }
      }
      response.end('"}}');
    };
    pump();
  });
  await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return { url: `http://127.0.0.1:${port}`, sent: () => sent };
}

/** Sends headers and the start of a body, then nothing: a remote that stalls mid-answer. */
async function stallingServer(): Promise<string> {
  server = createServer((_request, response) => {
    response.writeHead(200, { 'content-type': 'application/json' });
    response.write('{"presignedUrl": ');
  });
  await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return `http://127.0.0.1:${port}`;
}

describe('time limits per route', () => {
  it('a ticket that stalls after its headers fails on its own short body limit, named', async () => {
    const url = await stallingServer();
    const provider = await createProvider({ kind: 'alloy', baseUrl: url, token: 'token-123456789' });
    try {
      const failure = await provider
        .prepareUpload({
          path: 'a.txt',
          absolutePath: '/dev/null',
          remoteName: 'a.txt',
          size: 1,
          mimeType: 'text/plain',
          md5Hex: '0cc175b9c0f1b6a831c399e269772661',
          sha256Hex: null,
        })
        .then(
          () => null,
          (error: unknown) => error as { message: string; category: string; retryable: boolean },
        );
      expect(failure).toMatchObject({ category: 'network', retryable: true });
      expect(failure?.message).toMatch(/prepare the upload of a\.txt/);
    } finally {
      server?.closeAllConnections();
      await provider.close();
    }
  });
});

describe('response size limits per route', () => {
  it('an upload ticket of 50 MB is refused as too large, without reading it all', async () => {
    const remote = await bloatedServer(50 * 1024 * 1024);
    const provider = await createProvider({ kind: 'alloy', baseUrl: remote.url, token: 'token-123456789' });
    try {
      await expect(
        provider.prepareUpload({
          path: 'a.txt',
          absolutePath: '/dev/null',
          remoteName: 'a.txt',
          size: 1,
          mimeType: 'text/plain',
          md5Hex: '0cc175b9c0f1b6a831c399e269772661',
          sha256Hex: null,
        }),
      ).rejects.toMatchObject({ reason: 'response-too-large', message: expect.stringMatching(/256 KiB/) });
      // The client hung up long before the 50 MB were through (socket buffers aside).
      expect(remote.sent()).toBeLessThan(50 * 1024 * 1024);
    } finally {
      await provider.close();
    }
  });
});
