import Database from 'better-sqlite3';
import { createHash } from 'node:crypto';
import { readFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { GroupCommitHooks } from '../../electron/server/storage/group-commit.js';
import { http } from '../support/http.js';
import { until } from '../support/poll-until.js';
import { TEST_USERS, startTestServer, type TestServer } from '../support/test-server.js';

/**
 * The fs backend answers concurrent presigned PUTs in batches (group-commit.ts). Its promise is the
 * one of docs/reference-remote.md §7, per upload: an upload answered 200 has its blob and directory
 * entry synced and its catalog row committed, so it survives a crash or a power cut of the server.
 */

const md5 = (body: Buffer): Buffer => createHash('md5').update(body).digest();
const ALLOY = { authorization: `Bearer ${TEST_USERS.alice.token}`, 'x-api-version': '2025-09' };

interface Ticket {
  presignedUrl: string;
  s3Key: string;
  md5: string;
}

async function requestUpload(remote: TestServer, filename: string, body: Buffer): Promise<Ticket> {
  const response = await http(`${remote.url}/connectors/files/upload/request`, {
    method: 'POST',
    headers: { ...ALLOY, 'content-type': 'application/json' },
    body: JSON.stringify({ filename, mimeType: 'application/octet-stream', md5: md5(body).toString('hex') }),
  });
  expect(response.status, response.text).toBe(200);
  return response.json<{ presignedUrl: Ticket }>().presignedUrl;
}

function put(ticket: Ticket, body: Buffer): ReturnType<typeof http> {
  return http(ticket.presignedUrl, {
    method: 'PUT',
    headers: { 'content-type': 'application/octet-stream', 'content-md5': ticket.md5 },
    body,
  });
}

async function listing(remote: TestServer): Promise<Array<{ s3Key: string; size: number }>> {
  const response = await http(`${remote.url}/connectors/files/list`, { headers: ALLOY });
  expect(response.status).toBe(200);
  return response.json<{ files: Array<{ s3Key: string; size: number }> }>().files;
}

const bodyOf = (index: number, size = 3000): Buffer => Buffer.alloc(size, `body ${index};`);

describe('group commit of presigned PUTs (fs backend, fsync on)', () => {
  let remote: TestServer | null = null;
  let catalog: Database.Database | null = null;

  afterEach(async () => {
    catalog?.close();
    catalog = null;
    await remote?.close();
    remote = null;
  });

  it('answers no upload before its blob is synced and its catalog row committed', async () => {
    let releaseHeld: () => void = () => undefined;
    const held = new Promise<void>((resolve) => (releaseHeld = resolve));
    let holding = true;
    const heldBatches: string[][] = [];
    const synced = new Set<string>();
    const hooks: GroupCommitHooks = {
      beforePlacing: async (objectKeys) => {
        heldBatches.push([...objectKeys]);
        if (holding) await held;
      },
      placed: (objectKeys) => objectKeys.forEach((key) => synced.add(key)),
    };
    remote = await startTestServer({ fsync: true, groupCommitHooks: hooks });
    const server = remote;
    // A reader of its own on the real catalog: what a crash right after an answer would leave.
    catalog = new Database(join(server.dataDir, 'catalog.db'), { readonly: true });
    const rowOf = catalog.prepare('SELECT md5 FROM objects WHERE ns = ? AND key = ?').pluck();

    const bodies = Array.from({ length: 6 }, (_, index) => bodyOf(index));
    const tickets = await Promise.all(
      bodies.map((body, index) => requestUpload(server, `f${index}.bin`, body)),
    );
    const answers: Array<{ s3Key: string; status: number; synced: boolean; row: unknown }> = [];
    const puts = tickets.map(async (ticket, index) => {
      const response = await put(ticket, bodies[index] as Buffer);
      // Checked the moment the answer arrives, before anything else can run on this event loop.
      answers.push({
        s3Key: ticket.s3Key,
        status: response.status,
        synced: synced.has(`alloy/${ticket.s3Key}`),
        row: rowOf.get('alloy', ticket.s3Key),
      });
    });

    await until('a batch waits to be made durable', () => heldBatches.length > 0);
    // A whole request through the same server: an answer sent before the hold would be here by now.
    await listing(server);
    expect(answers).toEqual([]);
    holding = false;
    releaseHeld();
    await Promise.all(puts);

    expect(answers).toHaveLength(tickets.length);
    for (const [index, ticket] of tickets.entries()) {
      expect(answers.find((answer) => answer.s3Key === ticket.s3Key)).toEqual({
        s3Key: ticket.s3Key,
        status: 200,
        synced: true,
        row: md5(bodies[index] as Buffer).toString('hex'),
      });
    }
    expect(heldBatches.flat().sort()).toEqual(tickets.map((ticket) => `alloy/${ticket.s3Key}`).sort());
  });

  it('stores many concurrent uploads, replacements of one key among them, each answered with its own ETag', async () => {
    remote = await startTestServer({ fsync: true });
    const server = remote;
    const bodies = Array.from({ length: 40 }, (_, index) => bodyOf(index, 500 + index * 97));
    const tickets = await Promise.all(
      bodies.map((body, index) => requestUpload(server, `c${index}.bin`, body)),
    );
    // Three versions of one key, sent together: whichever commits last is the one listed.
    const versions = [bodyOf(100), bodyOf(101, 4000), bodyOf(102, 5000)];
    const versionTickets = await Promise.all(versions.map((body) => requestUpload(server, 'same.bin', body)));

    const responses = await Promise.all([
      ...tickets.map((ticket, index) => put(ticket, bodies[index] as Buffer)),
      ...versionTickets.map((ticket, index) => put(ticket, versions[index] as Buffer)),
    ]);
    const sent = [...bodies, ...versions];
    for (const [index, response] of responses.entries()) {
      expect(response.status, response.text).toBe(200);
      expect(response.headers.get('etag')).toBe(`"${md5(sent[index] as Buffer).toString('hex')}"`);
    }

    const listed = await listing(server);
    expect(listed).toHaveLength(41);
    for (const [index, ticket] of tickets.entries()) {
      expect(listed.find((file) => file.s3Key === ticket.s3Key)?.size).toBe((bodies[index] as Buffer).length);
    }
    const same = listed.find((file) => file.s3Key === versionTickets[0]?.s3Key);
    expect(versions.map((body) => body.length)).toContain(same?.size);
    // Replaced versions' blobs are gone: one blob per listed object, nothing left in tmp/.
    const blobs = await readdir(join(server.dataDir, 'blobs'), { recursive: true, withFileTypes: true });
    expect(blobs.filter((entry) => entry.isFile())).toHaveLength(41);
    expect(await readdir(join(server.dataDir, 'tmp'))).toEqual([]);
  });

  it('keeps the blob of a version put back by a later upload of the same batch', async () => {
    let releaseHeld: () => void = () => undefined;
    const held = new Promise<void>((resolve) => (releaseHeld = resolve));
    let batches = 0;
    let holdNext = false;
    const queued: string[] = [];
    remote = await startTestServer({
      fsync: true,
      groupCommitHooks: {
        queued: (objectKey) => queued.push(objectKey),
        // Hold the first batch, so the next two uploads meet in the second, in the order sent.
        beforePlacing: async () => {
          batches++;
          if (holdNext) {
            holdNext = false;
            await held;
          }
        },
      },
    });
    const server = remote;
    const v1 = bodyOf(1, 1000);
    const v2 = bodyOf(2, 2000);
    const first = await requestUpload(server, 'doc.bin', v1);
    expect((await put(first, v1)).status).toBe(200);

    const blocker = bodyOf(9);
    const blockerTicket = await requestUpload(server, 'blocker.bin', blocker);
    holdNext = true;
    const blocked = put(blockerTicket, blocker);
    await until('the batch of the blocker is held', () => batches === 2);
    const second = await requestUpload(server, 'doc.bin', v2);
    const again = await requestUpload(server, 'doc.bin', v1);
    const v2Put = put(second, v2);
    await until('v2 waits for the next batch', () => queued.length === 3);
    const v1Put = put(again, v1);
    await until('v1 again waits behind it', () => queued.length === 4);
    releaseHeld();
    for (const response of await Promise.all([blocked, v2Put, v1Put])) expect(response.status).toBe(200);

    // v2 replaced v1, then v1 replaced v2 in the same transaction: v1 is listed, and its bytes are there.
    const listed = await listing(server);
    expect(listed.find((file) => file.s3Key === first.s3Key)?.size).toBe(v1.length);
    const keyHash = createHash('sha256').update(`alloy/${first.s3Key}`).digest('hex');
    const blob = join(server.dataDir, 'blobs', keyHash.slice(0, 2), `${keyHash}.${md5(v1).toString('hex')}`);
    expect(await readFile(blob)).toEqual(v1);
    const left = await readdir(join(server.dataDir, 'blobs', keyHash.slice(0, 2)));
    expect(left.filter((name) => name.startsWith(keyHash))).toEqual([
      `${keyHash}.${md5(v1).toString('hex')}`,
    ]);
  });

  it('fails only the upload whose blob cannot be placed; the rest of its batch is stored', async () => {
    remote = await startTestServer({ fsync: true });
    const server = remote;
    const bodies = Array.from({ length: 5 }, (_, index) => bodyOf(index));
    const tickets = await Promise.all(
      bodies.map((body, index) => requestUpload(server, `p${index}.bin`, body)),
    );
    // A file where the first upload's blob directory would go: its rename into place must fail.
    const keyHash = createHash('sha256').update(`alloy/${tickets[0]?.s3Key}`).digest('hex');
    await writeFile(join(server.dataDir, 'blobs', keyHash.slice(0, 2)), 'in the way');

    const responses = await Promise.all(tickets.map((ticket, index) => put(ticket, bodies[index] as Buffer)));
    expect(responses[0]?.status).toBe(500);
    for (const response of responses.slice(1)) expect(response.status, response.text).toBe(200);
    const listed = await listing(server);
    expect(listed.map((file) => file.s3Key).sort()).toEqual(
      tickets
        .slice(1)
        .map((ticket) => ticket.s3Key)
        .sort(),
    );
    expect(await readFile(join(server.dataDir, 'blobs', keyHash.slice(0, 2)), 'utf8')).toBe('in the way');
  });
});
