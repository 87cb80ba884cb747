import { appendFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../electron/base/clock.js';
import { BandwidthLimiter } from '../../electron/engine/upload/bandwidth-limiter.js';
import { fileBody, heldBody, type UploadBody } from '../../electron/engine/upload/file-body.js';
import { makeTempDir } from '../support/temp-dir.js';

let dir: { path: string; remove: () => Promise<void> };
beforeAll(async () => {
  dir = await makeTempDir('hoist-body-');
});
afterAll(async () => {
  await dir.remove();
});

async function sent(body: UploadBody): Promise<Buffer> {
  await body.ready();
  const source = body.source();
  if (source instanceof Uint8Array) return Buffer.from(source);
  const chunks: Buffer[] = [];
  for await (const chunk of source) chunks.push(Buffer.from(chunk));
  return Buffer.concat(chunks);
}

function options(counter: { bytes: number }): Parameters<typeof fileBody>[2] {
  return {
    limiter: new BandwidthLimiter(0, systemClock),
    onBytes: (n: number) => {
      counter.bytes += n;
    },
  };
}

describe('upload bodies', () => {
  it('streams exactly the hashed size and stops there: a file grown since sends its first bytes, not a "changed" failure', async () => {
    const path = join(dir.path, 'grown.bin');
    const hashed = Buffer.alloc(3 * 1024 * 1024 + 5, 7);
    await writeFile(path, hashed);
    await appendFile(path, 'appended after the hash');
    const counter = { bytes: 0 };
    const bytes = await sent(fileBody(path, hashed.length, options(counter)));
    expect(bytes.equals(hashed)).toBe(true);
    expect(counter.bytes).toBe(hashed.length);
  });

  it('fails as a changed file when the file is shorter than the hashed size', async () => {
    const path = join(dir.path, 'shrunk.bin');
    await writeFile(path, 'short');
    await expect(sent(fileBody(path, 100, options({ bytes: 0 })))).rejects.toMatchObject({
      reason: 'file-changed',
    });
  });

  it('sends a held body as the one buffer it is, counted once it may go', async () => {
    const held = Buffer.from('held bytes');
    const counter = { bytes: 0 };
    const body = heldBody(held, options(counter));
    expect(counter.bytes).toBe(0);
    await body.ready();
    expect(counter.bytes).toBe(held.length);
    expect(body.source()).toBe(held);
  });
});
