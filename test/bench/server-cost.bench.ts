/**
 * `npm run bench -- --only server-cost`: the reference remote's CPU per small upload (issue 18).
 * Not a test: it prints a table, writes bench-results/server-cost.json and exits 0 unless something
 * broke (a missed goal is reported, not failed).
 *
 * A `hoist remote` child takes many small uploads (1–16 KiB, random) from this process at a fixed
 * concurrency, the way a client's transfers do: an Alloy upload request (the ticket), then the PUT of
 * the body to the URL it names. Its CPU is utime + stime from /proc/<pid>/stat (all its threads), read
 * before and after each phase, so the figures hold on a loaded machine where wall time does not.
 *
 * - fs backend, fsync on (the default, and the durability promise of docs/reference-remote.md §7):
 *   CPU per ticket, per PUT, and per upload (both), at each concurrency.
 * - S3 backend in front of s3rver: CPU per ticket (the PUT goes to s3rver, not to the server).
 * - Both: CPU per ticket asked in batches of 64 (the reference remote's batch route, which Hoist uses
 *   where the remote offers it), and for fs the upload's cost with tickets asked that way.
 *
 * Options: --uploads N (per concurrency, default 2000), --concurrency 4,8, --only fs,s3 (add
 * no-fsync for the fs backend with --no-fsync as well, for context: what the syncs cost), --cli PATH
 * (another build of dist/electron/cli/main.js, to compare two versions of the server).
 */
import { createHash, randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { Agent, request } from 'node:http';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { CLI } from './bench-support/paths.js';
import { benchLog, runBench } from './bench-support/cleanup.js';
import { startRemote, type RemoteServer } from './bench-support/hoist.js';
import { figure, renderTable, writeResult, type Figure } from './bench-support/report.js';
import { startS3rver } from './bench-support/s3.js';
import { makeTempDir, type TempDir } from './bench-support/temp.js';

const BENCH = 'server-cost';
const log = benchLog(BENCH);

/** Issue 18's goals, in µs of server CPU (the table's unit: `ms` would print no decimals). */
const GOAL_FS_UPLOAD_US = 1000;
const GOAL_S3_TICKET_US = 600;
/** What Hoist asks the reference remote for at once (upload/ticket-prefetch.ts). */
const TICKET_BATCH = 64;

/** Data dirs of finished phases, removed at the end (see measureFs). */
const finished: TempDir[] = [];

interface Body {
  name: string;
  bytes: Buffer;
  md5Hex: string;
  md5Base64: string;
}

interface Ticket {
  presignedUrl: string;
  md5: string;
  type: string;
}

interface PhaseCost {
  cpuSeconds: number;
  /** The kernel's part (syscalls, inode allocation, fsync): stime alone. */
  systemSeconds: number;
  systemPerItemMs: number;
  wallSeconds: number;
  perItemMs: number;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      uploads: { type: 'string', default: '2000' },
      concurrency: { type: 'string', default: '4,8' },
      only: { type: 'string', default: 'fs,s3' },
      cli: { type: 'string', default: CLI },
    },
  });
  const uploads = Number(values.uploads);
  if (!Number.isInteger(uploads) || uploads < 1) throw new Error('--uploads must be a positive integer');
  const levels = values.concurrency.split(',').map(Number);
  if (levels.some((level) => !Number.isInteger(level) || level < 1)) {
    throw new Error('--concurrency must list positive integers');
  }
  const only = new Set(values.only.split(','));
  const cli = resolve(values.cli);

  const figures: Figure[] = [];
  const details: Record<string, unknown> = { uploads, concurrency: levels, cli };
  const us = (ms: number): number => ms * 1000;
  for (const concurrency of levels) {
    for (const fsync of only.has('fs') ? (only.has('no-fsync') ? [true, false] : [true]) : []) {
      const mode = fsync ? 'fs' : 'fs-no-fsync';
      const fs = await measureFs(cli, uploads, concurrency, fsync);
      details[`${mode}-c${concurrency}`] = fs;
      const perUpload = fs.tickets.perItemMs + fs.puts.perItemMs;
      const perUploadBatched = fs.batchedTickets.perItemMs + fs.puts.perItemMs;
      const label = `${fsync ? 'fs' : 'fs --no-fsync'}, ${concurrency} at once`;
      figures.push(
        figure(
          BENCH,
          `${mode}.c${concurrency}.ticket.us`,
          `${label}: CPU per ticket`,
          us(fs.tickets.perItemMs),
          'µs',
        ),
        figure(BENCH, `${mode}.c${concurrency}.put.us`, `${label}: CPU per PUT`, us(fs.puts.perItemMs), 'µs'),
        figure(
          BENCH,
          `${mode}.c${concurrency}.put-kernel.us`,
          `${label}: of it in the kernel (stime)`,
          us(fs.puts.systemPerItemMs),
          'µs',
        ),
        figure(
          BENCH,
          `${mode}.c${concurrency}.upload.us`,
          `${label}: CPU per upload (ticket + PUT)`,
          us(perUpload),
          'µs',
          fsync ? { op: '<=', value: GOAL_FS_UPLOAD_US } : null,
        ),
        figure(
          BENCH,
          `${mode}.c${concurrency}.upload-batched.us`,
          `${label}: CPU per upload, tickets in batches of ${TICKET_BATCH} (as Hoist asks this remote)`,
          us(perUploadBatched),
          'µs',
          fsync ? { op: '<=', value: GOAL_FS_UPLOAD_US } : null,
        ),
      );
      log(
        `${mode} c${concurrency}: ticket ${us(fs.tickets.perItemMs).toFixed(0)} µs, PUT ${us(fs.puts.perItemMs).toFixed(0)} µs, ` +
          `upload ${us(perUpload).toFixed(0)} µs of server CPU, of it in the kernel: ticket ` +
          `${us(fs.tickets.systemPerItemMs).toFixed(0)} µs, PUT ${us(fs.puts.systemPerItemMs).toFixed(0)} µs ` +
          `(PUT wall ${fs.puts.wallSeconds.toFixed(1)} s); tickets in batches of ${TICKET_BATCH} ` +
          `${us(fs.batchedTickets.perItemMs).toFixed(0)} µs, upload ${us(perUploadBatched).toFixed(0)} µs`,
      );
    }
    if (only.has('s3')) {
      const s3 = await measureS3(cli, uploads, concurrency);
      details[`s3-c${concurrency}`] = s3;
      figures.push(
        figure(
          BENCH,
          `s3.c${concurrency}.ticket.us`,
          `s3, ${concurrency} at once: CPU per ticket`,
          us(s3.tickets.perItemMs),
          'µs',
          { op: '<=', value: GOAL_S3_TICKET_US },
        ),
        figure(
          BENCH,
          `s3.c${concurrency}.ticket-batched.us`,
          `s3: CPU per ticket asked in batches of ${TICKET_BATCH}`,
          us(s3.batchedTickets.perItemMs),
          'µs',
          { op: '<=', value: GOAL_S3_TICKET_US },
        ),
      );
      log(
        `s3 c${concurrency}: ticket ${us(s3.tickets.perItemMs).toFixed(0)} µs of server CPU ` +
          `(${us(s3.tickets.systemPerItemMs).toFixed(0)} µs in the kernel), in batches of ${TICKET_BATCH} ` +
          `${us(s3.batchedTickets.perItemMs).toFixed(0)} µs`,
      );
    }
  }
  for (const dataDir of finished.splice(0)) await dataDir.remove();
  console.log(`\n${renderTable(figures)}\n`);
  log(`results written to ${await writeResult({ bench: BENCH, figures, details })}`);
}

async function measureFs(
  cli: string,
  uploads: number,
  concurrency: number,
  fsync: boolean,
): Promise<{ tickets: PhaseCost; puts: PhaseCost; batchedTickets: PhaseCost }> {
  const dataDir = await makeTempDir('server-cost-fs-');
  const server = await startRemote({
    dataDir: dataDir.path,
    backend: { kind: 'fs', fsync },
    log: false,
    cli,
  });
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
  try {
    await warmUp(server, agent, concurrency, true);
    const bodies = makeBodies(uploads, 'fs');
    const tickets: Ticket[] = [];
    const ticketCost = await measure(server, uploads, async () => {
      await inParallel(bodies, concurrency, async (body, index) => {
        tickets[index] = await requestTicket(server, agent, body);
      });
    });
    const putCost = await measure(server, uploads, async () => {
      await inParallel(bodies, concurrency, (body, index) => put(agent, tickets[index] as Ticket, body));
    });
    const batchedCost = await measureBatchedTickets(server, agent, uploads, 'fsb');
    const listed = await server.list();
    if (listed.filter((file) => file.filename.startsWith('fs-')).length !== uploads) {
      throw new Error(`the server lists ${listed.length} files after ${uploads} uploads`);
    }
    return { tickets: ticketCost, puts: putCost, batchedTickets: batchedCost };
  } finally {
    agent.destroy();
    await server.stop();
    // Not removed until the bench ends: on an ext4 without a journal, creating files right after
    // thousands were deleted costs several times more kernel CPU (the inode allocator skips inodes
    // deleted in the last minutes), which the next phase would be charged for.
    finished.push(dataDir);
  }
}

async function measureS3(
  cli: string,
  uploads: number,
  concurrency: number,
): Promise<{ tickets: PhaseCost; batchedTickets: PhaseCost }> {
  const s3 = await startS3rver('server-cost');
  const dataDir = await makeTempDir('server-cost-s3-');
  const server = await startRemote({
    dataDir: dataDir.path,
    backend: { kind: 's3', endpoint: s3.endpoint, bucket: s3.bucket },
    log: false,
    cli,
  });
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
  try {
    await warmUp(server, agent, concurrency, false);
    const bodies = makeBodies(uploads, 's3');
    const tickets = await measure(server, uploads, async () => {
      await inParallel(bodies, concurrency, async (body) => {
        const ticket = await requestTicket(server, agent, body);
        if (!ticket.presignedUrl.startsWith(s3.endpoint)) {
          throw new Error(`the ticket does not point at s3rver: ${ticket.presignedUrl}`);
        }
      });
    });
    const batchedTickets = await measureBatchedTickets(server, agent, uploads, 's3b');
    return { tickets, batchedTickets };
  } finally {
    agent.destroy();
    await server.stop();
    finished.push(dataDir);
    await s3.stop();
  }
}

/** JIT and first-use costs (the catalog's statements, the presigner's probe) are not per upload. */
async function warmUp(
  server: RemoteServer,
  agent: Agent,
  concurrency: number,
  putToo: boolean,
): Promise<void> {
  const bodies = makeBodies(200, 'warm');
  await inParallel(bodies, concurrency, async (body) => {
    const ticket = await requestTicket(server, agent, body);
    if (putToo) await put(agent, ticket, body);
  });
}

async function measure(server: RemoteServer, items: number, work: () => Promise<void>): Promise<PhaseCost> {
  const pid = server.child.pid;
  const before = await cpuOf(pid);
  const started = process.hrtime.bigint();
  await work();
  const wallSeconds = Number(process.hrtime.bigint() - started) / 1e9;
  const after = await cpuOf(pid);
  const cpuSeconds = after.user + after.system - before.user - before.system;
  const systemSeconds = after.system - before.system;
  return {
    cpuSeconds,
    systemSeconds,
    wallSeconds,
    perItemMs: (cpuSeconds * 1000) / items,
    systemPerItemMs: (systemSeconds * 1000) / items,
  };
}

/** utime and stime of a process (all its threads), seconds, from /proc/<pid>/stat. */
async function cpuOf(pid: number): Promise<{ user: number; system: number }> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => null);
  if (stat === null) throw new Error('the server exited during the bench');
  // Fields after the command name (which may contain spaces) start after the last ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return { user: Number(fields[11]) / 100, system: Number(fields[12]) / 100 };
}

function makeBodies(count: number, prefix: string): Body[] {
  const run = randomBytes(4).toString('hex');
  return Array.from({ length: count }, (_, index) => {
    const bytes = randomBytes(1024 + Math.floor(Math.random() * 15 * 1024));
    const md5 = createHash('md5').update(bytes).digest();
    return {
      name: `${prefix}-${run}-${index}.bin`,
      bytes,
      md5Hex: md5.toString('hex'),
      md5Base64: md5.toString('base64'),
    };
  });
}

async function inParallel<T>(
  items: readonly T[],
  concurrency: number,
  work: (item: T, index: number) => Promise<void>,
): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const index = next++;
      await work(items[index] as T, index);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
}

async function requestTicket(server: RemoteServer, agent: Agent, body: Body): Promise<Ticket> {
  const text = await postAlloy(server, agent, '/upload/request', requestFields(body));
  return (JSON.parse(text) as { presignedUrl: Ticket }).presignedUrl;
}

function requestFields(body: Body): Record<string, string> {
  return { filename: body.name, mimeType: 'application/octet-stream', md5: body.md5Hex };
}

/** A POST of JSON to an Alloy files route of the server; its answer's text, or a throw. */
async function postAlloy(server: RemoteServer, agent: Agent, route: string, json: unknown): Promise<string> {
  const { status, text } = await send(
    `${server.url}/connectors/files${route}`,
    agent,
    'POST',
    {
      authorization: `Bearer ${server.token}`,
      'x-api-version': '2025-09',
      'content-type': 'application/json',
    },
    Buffer.from(JSON.stringify(json)),
  );
  if (status !== 200) throw new Error(`${route} answered ${status}: ${text}`);
  return text;
}

/**
 * The server's CPU per ticket when they are asked for in batches (docs/reference-remote.md §2, the
 * batch route), one batch at a time, for `count` files it has not seen.
 */
async function measureBatchedTickets(
  server: RemoteServer,
  agent: Agent,
  count: number,
  prefix: string,
): Promise<PhaseCost> {
  const bodies = makeBodies(count, prefix);
  return measure(server, count, async () => {
    for (let start = 0; start < bodies.length; start += TICKET_BATCH) {
      const batch = bodies.slice(start, start + TICKET_BATCH);
      const tickets = await requestTicketBatch(server, agent, batch);
      if (tickets.length !== batch.length || tickets.some((ticket) => !ticket.presignedUrl)) {
        throw new Error(
          `a batch of ${batch.length} tickets came back as ${JSON.stringify(tickets).slice(0, 200)}`,
        );
      }
    }
  });
}

async function requestTicketBatch(server: RemoteServer, agent: Agent, bodies: Body[]): Promise<Ticket[]> {
  const text = await postAlloy(server, agent, '/upload/requests', { files: bodies.map(requestFields) });
  return (JSON.parse(text) as { tickets: Array<{ presignedUrl: Ticket }> }).tickets.map(
    (item) => item.presignedUrl,
  );
}

async function put(agent: Agent, ticket: Ticket, body: Body): Promise<void> {
  const { status, text } = await send(
    ticket.presignedUrl,
    agent,
    'PUT',
    { 'content-type': 'application/octet-stream', 'content-md5': body.md5Base64 },
    body.bytes,
  );
  if (status !== 200) throw new Error(`PUT answered ${status}: ${text}`);
}

function send(
  url: string,
  agent: Agent,
  method: string,
  headers: Record<string, string>,
  body: Buffer,
): Promise<{ status: number; text: string }> {
  return new Promise((done, fail) => {
    const req = request(url, {
      method,
      agent,
      headers: { ...headers, 'content-length': String(body.length) },
    });
    req.once('error', fail);
    req.once('response', (res) => {
      let text = '';
      res.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
      res.once('error', fail);
      res.once('end', () => done({ status: res.statusCode ?? 0, text }));
    });
    req.end(body);
  });
}

runBench(BENCH, main);
