import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { AlloyProvider } from '../../electron/engine/remote/alloy-provider.js';
import type { UploadCandidate } from '../../electron/engine/remote/remote-provider.js';
import { SyncError } from '../../electron/engine/sync-error.js';

/**
 * The Alloy provider's batches of tickets (remote/alloy-tickets.ts) against a small HTTP server of
 * this test's own, which answers as a remote might: with or without the reference remote's offer,
 * and with batch answers that are broken in the ways a remote can break them. (The reference
 * remote's own answers are covered by server-alloy-ticket-batch.test.ts and the engine's use of them
 * by engine-ticket-batches.test.ts.)
 */
type Answer = { status: number; headers?: Record<string, string>; body: string };

let server: Server | undefined;
let batchRequests = 0;

async function remote(answers: { list: Answer; batch?: Answer }): Promise<string> {
  batchRequests = 0;
  server = createServer((req: IncomingMessage, res: ServerResponse) => {
    req.resume();
    req.on('end', () => {
      const answer =
        req.url === '/connectors/files/list'
          ? answers.list
          : req.url === '/connectors/files/upload/requests'
            ? (batchRequests++, answers.batch)
            : undefined;
      const { status, headers, body } = answer ?? {
        status: 404,
        body: '{"error":{"message":"no such route"}}',
      };
      res.writeHead(status, { 'content-type': 'application/json', ...headers });
      res.end(body);
    });
  });
  server.listen(0, '127.0.0.1');
  await new Promise((resolve) => server?.once('listening', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

afterEach(async () => {
  await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
  server = undefined;
});

const files: UploadCandidate[] = ['a.txt', 'b.txt'].map((path, index) => ({
  path,
  absolutePath: `/nowhere/${path}`,
  remoteName: path,
  size: 1,
  mimeType: 'text/plain',
  md5Hex: String(index).repeat(32),
  sha256Hex: null,
}));
const ticket = (key: string) => ({
  presignedUrl: {
    md5: 'AAAAAAAAAAAAAAAAAAAAAA==',
    presignedUrl: `https://store.example/${key}`,
    type: 'new',
    s3Key: key,
  },
});
const emptyList = (headers: Record<string, string> = {}): Answer => ({
  status: 200,
  headers,
  body: '{"files":[]}',
});
const offer = { 'x-hoist-ticket-batch': '100' };

async function provider(answers: { list: Answer; batch?: Answer }): Promise<AlloyProvider> {
  const made = new AlloyProvider({ baseUrl: await remote(answers), token: 'token-0123456789' });
  await made.list();
  return made;
}

async function refusal(promise: Promise<unknown>): Promise<SyncError> {
  const error = await promise.then(
    () => null,
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(SyncError);
  return error as SyncError;
}

describe('Alloy provider: tickets in batches', () => {
  it('takes the offer only from a remote that makes it, and never more than 100 files', async () => {
    for (const [headers, expected] of [
      [{}, 0],
      [{ 'x-hoist-ticket-batch': '1' }, 0],
      [{ 'x-hoist-ticket-batch': 'many' }, 0],
      [{ 'x-hoist-ticket-batch': '64' }, 64],
      [{ 'x-hoist-ticket-batch': '100000' }, 100],
    ] as const) {
      const made = await provider({ list: emptyList(headers) });
      expect(made.ticketBatches.maxFiles, JSON.stringify(headers)).toBe(expected);
      await made.close();
      await new Promise((resolve) => server?.close(resolve));
      server = undefined;
    }
  });

  it('hands back a ticket per file, and null for a file the remote refused', async () => {
    const made = await provider({
      list: emptyList(offer),
      batch: {
        status: 200,
        body: JSON.stringify({
          tickets: [ticket('u_a.txt'), { error: { message: 'bad', code: 'INVALID_MD5' } }],
        }),
      },
    });
    const tickets = await made.ticketBatches.prepare(files);
    expect(tickets).toEqual([
      {
        kind: 'send',
        key: 'u_a.txt',
        target: {
          url: 'https://store.example/u_a.txt',
          md5Base64: 'AAAAAAAAAAAAAAAAAAAAAA==',
          mimeType: 'text/plain',
        },
      },
      null,
    ]);
    await made.close();
  });

  it('a broken batch answer is a clear SyncError, never a crash or a wrong ticket', async () => {
    const broken: Array<[string, Answer, RegExp]> = [
      [
        'fewer tickets than files',
        { status: 200, body: JSON.stringify({ tickets: [ticket('u_a.txt')] }) },
        /1 tickets for 2 files/,
      ],
      ['not JSON', { status: 200, body: '<html>oops</html>' }, /could not read|web page/],
      ['no tickets array', { status: 200, body: '{"files":[]}' }, /does not understand/],
      [
        'a new ticket without a URL',
        {
          status: 200,
          body: JSON.stringify({
            tickets: [{ presignedUrl: { type: 'new', s3Key: 'k' } }, ticket('u_b.txt')],
          }),
        },
        /presignedUrl is missing/,
      ],
      ['a server error', { status: 500, body: '{"error":{"message":"boom"}}' }, /boom|500/],
    ];
    for (const [what, batch, message] of broken) {
      const made = await provider({ list: emptyList(offer), batch });
      const error = await refusal(made.ticketBatches.prepare(files));
      expect(error.message + ' ' + (error.detail ?? ''), what).toMatch(message);
      await made.close();
      await new Promise((resolve) => server?.close(resolve));
      server = undefined;
    }
  });

  it('asks nothing for no files', async () => {
    const made = await provider({ list: emptyList(offer) });
    expect(await made.ticketBatches.prepare([])).toEqual([]);
    expect(batchRequests).toBe(0);
    await made.close();
  });
});
