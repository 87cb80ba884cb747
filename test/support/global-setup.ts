import { execFileSync } from 'node:child_process';
import { build } from 'vite';
import config from '../../electron.vite.config.js';

/**
 * Tests that run the `hoist` command spawn the built CLI (dist/), so build it from the current sources
 * once per run; a stale dist would test yesterday's code. The UI tests load the built renderer
 * (out/renderer) in Chromium, so it is built too, with the app's own renderer config.
 */
export default async function setup(): Promise<void> {
  execFileSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.build.json'], {
    stdio: 'inherit',
  });
  const renderer = config.renderer;
  if (renderer === undefined || typeof renderer === 'function') throw new Error('No renderer config');
  // Vite replaces process.env.NODE_ENV with the environment's value when set, and vitest sets it to
  // 'test': React's development build would be bundled. Test what ships.
  const nodeEnv = process.env.NODE_ENV;
  process.env.NODE_ENV = 'production';
  try {
    await build({
      ...renderer,
      configFile: false,
      logLevel: 'warn',
      mode: 'production',
      build: { ...renderer.build, emptyOutDir: true },
    } as Parameters<typeof build>[0]);
  } finally {
    process.env.NODE_ENV = nodeEnv;
  }
}
