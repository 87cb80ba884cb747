// What the two HTTP exchanges of an upload cost a Node client by themselves (issue 18; docs/benchmarks.md,
// "What two HTTP exchanges per file cost by themselves"): for every file of a folder, four at a time,
// the requests Hoist makes and nothing else: stat, read, MD5, the Alloy ticket (POST, JSON), then the
// PUT to its presigned URL with Content-MD5, through the undici Hoist pins. No state, no checks, no
// log. Prints this process's CPU per file, to set beside `hoist sync --once` and rclone on the same tree.
//
//   HOIST_TOKEN=… node scripts/two-requests-floor.mjs <folder> <remote URL> [ticket]
//
// The remote is a `hoist remote` (any backend) that knows the token; `ticket` stops after the tickets.
// Each run uploads the folder as new files: give it a fresh remote (or data dir) each time.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, relative, sep } from 'node:path';

const require = createRequire(import.meta.url);
const { Agent, request } = require('undici');

const [folder, remote, mode] = process.argv.slice(2);
const token = process.env.HOIST_TOKEN;
if (folder === undefined || remote === undefined || token === undefined) {
  console.error('usage: HOIST_TOKEN=… node scripts/two-requests-floor.mjs <folder> <remote URL> [ticket]');
  process.exit(2);
}

const files = [];
(function walk(directory) {
  for (const entry of readdirSync(directory, { withFileTypes: true })) {
    const path = join(directory, entry.name);
    if (entry.isDirectory()) walk(path);
    else if (entry.isFile()) files.push(path);
  }
})(folder);

const agent = new Agent({ connections: 8 });
const headers = {
  authorization: `Bearer ${token}`,
  'x-api-version': '2025-09',
  'content-type': 'application/json',
};
let next = 0;

async function worker() {
  while (next < files.length) {
    const path = files[next++];
    statSync(path);
    const body = readFileSync(path);
    const md5 = createHash('md5').update(body).digest('hex');
    // Hoist's remote names: the path, its separators as U+2215 (remote-names.ts).
    const filename = relative(folder, path).split(sep).join('\u2215');
    const answer = await request(`${remote}/connectors/files/upload/request`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ filename, mimeType: 'application/octet-stream', md5 }),
      dispatcher: agent,
    });
    if (answer.statusCode !== 200) throw new Error(`ticket: status ${answer.statusCode}`);
    const ticket = (await answer.body.json()).presignedUrl;
    if (mode === 'ticket' || ticket.type === 'existing') continue;
    const put = await request(ticket.presignedUrl, {
      method: 'PUT',
      headers: { 'content-type': 'application/octet-stream', 'content-md5': ticket.md5 },
      body,
      dispatcher: agent,
    });
    await put.body.dump();
    if (put.statusCode !== 200) throw new Error(`PUT: status ${put.statusCode}`);
  }
}

await Promise.all([worker(), worker(), worker(), worker()]);
const used = process.cpuUsage();
const cpuMs = (used.user + used.system) / 1000;
console.log(
  `${files.length} files: ${(cpuMs / 1000).toFixed(2)} s of CPU, ${((cpuMs * 1000) / files.length).toFixed(0)} µs a file`,
);
await agent.close();
