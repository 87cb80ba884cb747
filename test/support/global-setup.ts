import { execFileSync } from 'node:child_process';

/**
 * Tests that run the `hoist` command spawn the built CLI (dist/), so build it from the current sources
 * once per run; a stale dist would test yesterday's code.
 */
export default function setup(): void {
  execFileSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.build.json'], {
    stdio: 'inherit',
  });
}
