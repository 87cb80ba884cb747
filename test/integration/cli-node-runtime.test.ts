// Hoist runs and is tested on Node 24 LTS. Where the machine's Node is older, `npm run setup` installs
// the Node that .node-version pins into .runtime/node/ and links it as node_modules/.bin/node, which
// npm puts first on PATH for `npm test`; bin/hoist (what npm links as `hoist`) runs the CLI on it from
// any PATH, since node_modules' native modules are built for that Node only.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { delimiter, join, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { NODE_START_FLAGS } from '../../electron/base/node-memory-flags.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const PINNED = readFileSync(join(ROOT, '.node-version'), 'utf8').trim();
const RUNTIME = join(ROOT, '.runtime', 'node', 'bin', 'node');

describe('the Node Hoist runs on', () => {
  it('runs the tests on the pinned Node 24 where setup installed it, else on a Node at least as new', () => {
    if (existsSync(RUNTIME)) expect(process.versions.node).toBe(PINNED);
    else
      expect(Number(process.versions.node.split('.')[0])).toBeGreaterThanOrEqual(
        Number(PINNED.split('.')[0]),
      );
  });

  it('runs `hoist` on that same Node when the node on PATH is the machine’s own', () => {
    // What a shell outside npm sees: no node_modules/.bin, no .runtime on PATH.
    const machinePath = (process.env.PATH ?? '')
      .split(delimiter)
      .filter(
        (entry) => !entry.includes(`node_modules${sep}.bin`) && !entry.startsWith(join(ROOT, '.runtime')),
      )
      .join(delimiter);
    const stdout = execFileSync(join(ROOT, 'bin', 'hoist'), ['--version'], {
      env: { ...process.env, PATH: machinePath },
      encoding: 'utf8',
    });
    expect(stdout).toContain(`on Node ${process.versions.node} `);
  });

  it('starts Node with the memory flags the benchmarks measure', () => {
    // bin/hoist is a shell script; the flags' reasons live in node-memory-flags.ts, which the benches use.
    const launcher = readFileSync(join(ROOT, 'bin', 'hoist'), 'utf8');
    const exec = launcher.split('\n').find((line) => line.startsWith('exec '));
    expect(exec).toBe(`exec "$node" ${NODE_START_FLAGS.join(' ')} "$root/dist/electron/cli/main.js" "$@"`);
    // The test above runs bin/hoist: a flag this Node refused would have stopped it there.
  });
});
