// Peak RSS of `hoist remote` while it receives multipart parts in parallel (issue 19; docs/benchmarks.md,
// "Large files"). Starts the built server (`npm run build:node` first) in its own process, creates one
// upload of ROUNDS × CONC parts of 8 MiB, PUTs them CONC at a time over real HTTP and prints the
// server's VmHWM / VmRSS (from /proc) after the rounds, and its CPU time.
//   ROUNDS=24 CONC=4 node scripts/server-part-rss.mjs
// SERVER_NODE_ARGS adds node flags to the server (e.g. "--import ./memory-sampler.mjs").
import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { setTimeout } from 'node:timers/promises';
import { join } from 'node:path';

const CLI = new URL('../dist/electron/cli/main.js', import.meta.url).pathname;
const ROUNDS = Number(process.env.ROUNDS ?? 4);
const CONC = Number(process.env.CONC ?? 4);
const PART = 8 * 1024 * 1024;
const data = mkdtempSync(join(tmpdir(), 'hoist-part-rss-'));
const token = `bench-${randomBytes(8).toString('hex')}`;
const nodeArgs = (process.env.SERVER_NODE_ARGS ?? '').split(' ').filter(Boolean);
const serverArgs = [
  'remote',
  '--port',
  '0',
  '--data',
  data,
  '--user',
  `bench:${token}`,
  '--no-fsync',
  '--quiet',
];
const child = spawn(process.execPath, [...nodeArgs, CLI, ...serverArgs], {
  stdio: ['ignore', 'pipe', 'inherit'],
});

try {
  const url = await new Promise((resolve, reject) => {
    let out = '';
    child.on('exit', (code) => reject(new Error(`hoist remote exited (${code})`)));
    child.stdout.on('data', (text) => {
      out += text;
      const match = /listening on (http:\/\/\S+)/.exec(out);
      if (match) resolve(match[1]);
    });
  });
  const memory = () => {
    const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
    const mb = (key) => (Number(new RegExp(`${key}:\\s+(\\d+)`).exec(status)[1]) / 1024).toFixed(1);
    return `VmHWM ${mb('VmHWM')} MB, VmRSS ${mb('VmRSS')} MB`;
  };
  const cpuSeconds = () => {
    const fields = readFileSync(`/proc/${child.pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  };
  const headers = {
    authorization: `Bearer ${token}`,
    'x-api-version': '2025-09',
    'content-type': 'application/json',
  };
  const post = async (path, body) => {
    const response = await globalThis.fetch(`${url}/connectors/files${path}`, {
      method: 'POST',
      headers,
      body: JSON.stringify(body),
    });
    const text = await response.text();
    if (response.status !== 200) throw new Error(`${path} answered ${response.status}: ${text}`);
    return JSON.parse(text);
  };

  await setTimeout(1500);
  console.log('idle:', memory());
  // Four distinct 8 MiB bodies, reused: the parts differ only by number, which is all the server sees.
  const bodies = Array.from({ length: 4 }, () => randomBytes(PART));
  const count = ROUNDS * CONC;
  const whole = createHash('md5');
  for (let i = 0; i < count; i++) whole.update(bodies[i % 4]);
  const md5s = bodies.map((body) => createHash('md5').update(body).digest('base64'));
  const created = await post('/multipart/create', {
    filename: 'big.bin',
    mimeType: 'application/octet-stream',
    md5: whole.digest('hex'),
    size: count * PART,
    partSize: PART,
  });
  const { parts: urls } = await post(`/multipart/${created.uploadId}/part-urls`, {
    parts: Array.from({ length: count }, (_, i) => ({ partNumber: i + 1, md5: md5s[i % 4] })),
  });
  const put = (i) =>
    new Promise((resolve, reject) => {
      const headersOut = { 'content-md5': md5s[i % 4], 'content-length': PART };
      const req = request(new URL(urls[i].url), { method: 'PUT', headers: headersOut }, (res) => {
        res.resume();
        res.on('end', () =>
          res.statusCode === 200 ? resolve() : reject(new Error(`part ${i + 1}: ${res.statusCode}`)),
        );
      });
      req.on('error', reject);
      const body = bodies[i % 4];
      let offset = 0;
      const pump = () => {
        while (offset < body.length) {
          const chunk = body.subarray(offset, offset + 64 * 1024);
          offset += chunk.length;
          if (!req.write(chunk)) return void req.once('drain', pump);
        }
        req.end();
      };
      pump();
    });
  const cpuBefore = cpuSeconds();
  for (let round = 0; round < ROUNDS; round++) {
    await Promise.all(Array.from({ length: CONC }, (_, k) => put(round * CONC + k)));
  }
  console.log(`after ${count} parts, ${CONC} at a time:`, memory());
  console.log(`server CPU while receiving: ${(cpuSeconds() - cpuBefore).toFixed(2)} s`);
} finally {
  child.kill('SIGTERM');
  await new Promise((resolve) => (child.exitCode === null ? child.once('exit', resolve) : resolve()));
  rmSync(data, { recursive: true, force: true });
}
