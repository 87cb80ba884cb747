import { createHash, randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../electron/base/clock.js';
import { HttpClient } from '../../electron/engine/remote/http-client.js';
import { hexToBase64, putPresigned } from '../../electron/engine/remote/presigned-upload.js';
import type { BodySource, UploadCandidate } from '../../electron/engine/remote/remote-provider.js';
import { BandwidthLimiter } from '../../electron/engine/upload/bandwidth-limiter.js';
import { fileBody, fileRangeSource } from '../../electron/engine/upload/file-body.js';
import { makeTempDir } from '../support/temp-dir.js';

// A body read from disk reuses a few buffers (file-body.ts): this sends one through the real request
// stack (HttpClient, the counted body, undici, a real socket) to a store that reads slowly, so the
// socket is full and writes wait for 'drain' most of the time, and checks every byte that arrived.
// A buffer refilled while the socket still held it would arrive as other bytes.

const MIB = 1024 * 1024;

interface Received {
  md5: string;
  bytes: number;
}

/** A presigned-PUT target that takes ~64 KiB, then stops reading for 2 ms, and reports what came. */
function slowStore(): { server: Server; received: Promise<Received>[] } {
  const received: Promise<Received>[] = [];
  const server = createServer((request, response) => {
    const md5 = createHash('md5');
    let bytes = 0;
    received.push(
      new Promise<Received>((resolve) => {
        request.on('data', (chunk: Buffer) => {
          md5.update(chunk);
          bytes += chunk.length;
          request.pause();
          setTimeout(() => request.resume(), 2);
        });
        request.on('end', () => {
          const digest = md5.digest();
          const sent = request.headers['content-md5'];
          response.writeHead(digest.toString('base64') === sent ? 200 : 400).end();
          resolve({ md5: digest.toString('hex'), bytes });
        });
      }),
    );
  });
  return { server, received };
}

/** The body's chunks, counted by the memory they live in. */
function watched(source: BodySource, seen: Set<ArrayBufferLike>): BodySource {
  return () => {
    const inner = source();
    if (inner instanceof Uint8Array) return inner;
    return (async function* () {
      for await (const chunk of inner) {
        seen.add(chunk.buffer);
        yield chunk;
      }
    })();
  };
}

let dir: { path: string; remove: () => Promise<void> };
let store: ReturnType<typeof slowStore>;
let url: string;
const http = new HttpClient({ label: 'Alloy' });

beforeAll(async () => {
  dir = await makeTempDir('hoist-body-reuse-');
  store = slowStore();
  store.server.listen(0, '127.0.0.1');
  await once(store.server, 'listening');
  url = `http://127.0.0.1:${(store.server.address() as AddressInfo).port}/bucket/object`;
});
afterAll(async () => {
  await http.close();
  store.server.close();
  await dir.remove();
});

function options(): Parameters<typeof fileBody>[2] {
  return { limiter: new BandwidthLimiter(0, systemClock), onBytes: () => undefined };
}

async function put(content: Buffer, source: BodySource): Promise<Received> {
  const md5Hex = createHash('md5').update(content).digest('hex');
  const candidate: UploadCandidate = {
    path: 'big.bin',
    absolutePath: join(dir.path, 'big.bin'),
    remoteName: 'big.bin',
    size: content.length,
    mimeType: 'application/octet-stream',
    md5Hex,
    sha256Hex: null,
  };
  const ticket = {
    kind: 'send' as const,
    key: 'big.bin',
    target: { url, md5Base64: hexToBase64(md5Hex), mimeType: candidate.mimeType },
  };
  const before = store.received.length;
  await putPresigned(http, ticket, candidate, source, undefined);
  const arrived = store.received[before];
  if (arrived === undefined) throw new Error('the store saw no request');
  return arrived;
}

describe('a body read from disk through a few reused buffers', () => {
  it('arrives byte for byte through a socket that is full most of the time', async () => {
    const content = randomBytes(24 * MIB + 12_345);
    const path = join(dir.path, 'big.bin');
    await writeFile(path, content);
    const seen = new Set<ArrayBufferLike>();

    const arrived = await put(content, watched(fileBody(path, content.length, options()).source, seen));

    expect(arrived).toEqual({ md5: createHash('md5').update(content).digest('hex'), bytes: content.length });
    // ~100 chunks from 4 buffers: the reuse this test is about did happen.
    expect(seen.size).toBe(4);
  });

  it('a part of the file the same way', async () => {
    const content = randomBytes(20 * MIB);
    const path = join(dir.path, 'parts.bin');
    await writeFile(path, content);
    const part = content.subarray(3 * MIB + 7, 3 * MIB + 7 + 9 * MIB);
    const seen = new Set<ArrayBufferLike>();

    const arrived = await put(
      Buffer.from(part),
      watched(fileRangeSource(path, 3 * MIB + 7, part.length, options()), seen),
    );

    expect(arrived).toEqual({ md5: createHash('md5').update(part).digest('hex'), bytes: part.length });
    expect(seen.size).toBe(4);
  });
});
