import { execFile } from 'node:child_process';
import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import { createServer as createTcpServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeTempDir } from '../support/temp-dir.js';

// `npm run setup`'s Electron step (scripts/electron-download.mjs) where the download cannot succeed, as
// on this machine: it must end, say why in one line, and exit 0 so setup goes on. Each case points
// Electron's own installer at a local mirror (ELECTRON_MIRROR) that refuses, never answers, or has no
// such file. ELECTRON_OVERRIDE_DIST_PATH names an empty folder, so a binary installed on the machine
// running the tests is not found, and nothing can be written into node_modules/electron.

const SCRIPT = fileURLToPath(new URL('../../scripts/electron-download.mjs', import.meta.url));
// Only a guard against a hang (the probe's own deadline is 5 s); no assertion is about time.
const OUTER_TIMEOUT_MS = 90_000;

let temp: { path: string; remove: () => Promise<void> };
const closers: Array<() => Promise<void>> = [];

beforeEach(async () => {
  temp = await makeTempDir('hoist-electron-download-');
});

afterEach(async () => {
  for (const close of closers.splice(0)) await close();
  await temp.remove();
});

function runStep(env: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string }> {
  const base: Record<string, string> = {};
  for (const [name, value] of Object.entries(process.env)) {
    // The test decides these; the machine's own settings (a CI flag, a proxy) must not leak in.
    if (value !== undefined && !/^(CI|ELECTRON_|npm_config_electron|https?_proxy)/i.test(name))
      base[name] = value;
  }
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      [SCRIPT],
      {
        env: {
          ...base,
          ELECTRON_OVERRIDE_DIST_PATH: temp.path,
          electron_config_cache: `${temp.path}/cache`,
          ...env,
        },
        timeout: OUTER_TIMEOUT_MS,
      },
      (error, stdout, stderr) => {
        if (error && error.killed) reject(new Error(`the step did not end: ${stdout}${stderr}`));
        else resolve({ code: error ? Number(error.code) : 0, stdout, stderr });
      },
    );
  });
}

async function listen(server: Server | HttpServer): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

describe('setup’s Electron download where it cannot succeed', () => {
  it(
    'a mirror that refuses the connection: one line, exit 0',
    async () => {
      // A port that was just free: listen, note it, close.
      const server = createTcpServer();
      const port = await listen(server);
      await new Promise((resolve) => server.close(resolve));
      const result = await runStep({ ELECTRON_MIRROR: `http://127.0.0.1:${port}/` });
      expect(result.code).toBe(0);
      expect(result.stdout.trim().split('\n')).toEqual([
        `setup: no Electron binary: 127.0.0.1:${port} cannot be reached (connection refused); \`npm start\` opens the browser UI instead. Run \`npm run setup\` again when online.`,
      ]);
    },
    OUTER_TIMEOUT_MS,
  );

  it(
    'a mirror that accepts the connection and never answers: ends at the probe’s deadline, one line, exit 0',
    async () => {
      const held = new Set<Socket>();
      const server = createTcpServer((socket) => held.add(socket));
      const port = await listen(server);
      closers.push(async () => {
        for (const socket of held) socket.destroy();
        await new Promise((resolve) => server.close(resolve));
      });
      const result = await runStep({ ELECTRON_MIRROR: `http://127.0.0.1:${port}/` });
      expect(result.code).toBe(0);
      expect(result.stdout.trim().split('\n')).toEqual([
        `setup: no Electron binary: 127.0.0.1:${port} cannot be reached (no answer in 5 s); \`npm start\` opens the browser UI instead. Run \`npm run setup\` again when online.`,
      ]);
      // It did connect: the probe really went to the mirror.
      expect(held.size).toBeGreaterThan(0);
    },
    OUTER_TIMEOUT_MS,
  );

  it(
    'a mirror that answers but has no such file: Electron’s installer runs, fails, and the step says why',
    async () => {
      const asked: string[] = [];
      const server = createHttpServer((request, response) => {
        asked.push(`${request.method} ${request.url}`);
        response.writeHead(404).end();
      });
      const port = await listen(server);
      closers.push(() => new Promise((resolve) => server.close(() => resolve())));
      const result = await runStep({ ELECTRON_MIRROR: `http://127.0.0.1:${port}/` });
      expect(result.code).toBe(0);
      const lines = result.stdout.trim().split('\n');
      expect(lines[0]).toMatch(
        /^setup: downloading Electron \d+\.\d+\.\d+ for \w+-\w+ from 127\.0\.0\.1:\d+/,
      );
      expect(lines[1]).toMatch(
        /^setup: no Electron binary: the download failed \(HTTPError: Response code 404 \(Not Found\) for http:\/\/127\.0\.0\.1:\d+\/v[\d.]+\/electron-v[\d.]+-\w+-\w+\.zip\); `npm start` opens the browser UI instead\./,
      );
      expect(lines).toHaveLength(2);
      // The probe's HEAD, then the installer's GET of the same file.
      expect(asked).toHaveLength(2);
      expect(asked[0]).toMatch(/^HEAD \/v[\d.]+\/electron-v/);
      expect(asked[1]).toBe(asked[0]!.replace('HEAD', 'GET'));
    },
    OUTER_TIMEOUT_MS,
  );

  it('on CI, or with ELECTRON_SKIP_BINARY_DOWNLOAD, asks no one and says so', async () => {
    const asked: string[] = [];
    const server = createHttpServer((request, response) => {
      asked.push(String(request.url));
      response.writeHead(404).end();
    });
    const port = await listen(server);
    closers.push(() => new Promise((resolve) => server.close(() => resolve())));
    const onCi = await runStep({ CI: 'true', ELECTRON_MIRROR: `http://127.0.0.1:${port}/` });
    expect(onCi.code).toBe(0);
    expect(onCi.stdout).toBe(
      'setup: on CI no Electron binary is fetched (no test needs it); `npm start` opens the browser UI instead.\n',
    );
    const skipped = await runStep({
      ELECTRON_SKIP_BINARY_DOWNLOAD: '1',
      ELECTRON_MIRROR: `http://127.0.0.1:${port}/`,
    });
    expect(skipped.code).toBe(0);
    expect(skipped.stdout).toMatch(
      /^setup: ELECTRON_SKIP_BINARY_DOWNLOAD is set, so no Electron binary was fetched/,
    );
    expect(asked).toEqual([]);
  });
});
