import { existsSync } from 'node:fs';
import type { Stats } from 'node:fs';
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { trayIconFile } from '../../electron/main/tray/tray-icons.js';
import type { TrayIconState } from '../../electron/main/tray/tray-model.js';

// electron-builder's `--dir` dry run needs to download the Electron zip, which this machine cannot, so
// the configuration is checked with electron-builder's own validation (its JSON schema), and what it
// points at is checked to exist.

const require = createRequire(import.meta.url);
const root = fileURLToPath(new URL('../../', import.meta.url));

interface BuilderConfig {
  files: string[];
  afterPack: string;
  asarUnpack: string[];
  npmRebuild: boolean;
  linux: { target: string[]; icon: string };
  mac: { target: string[]; icon: string };
  win: { target: string[]; icon: string };
}

async function config(): Promise<BuilderConfig> {
  return parse(await readFile(`${root}electron-builder.yml`, 'utf8')) as BuilderConfig;
}

async function filesUnder(folder: string): Promise<string[]> {
  const entries = await readdir(folder, { recursive: true, withFileTypes: true });
  return entries.filter((entry) => entry.isFile()).map((entry) => join(entry.parentPath, entry.name));
}

type Validate = (config: unknown, logger: unknown) => Promise<void>;
const { validateConfiguration } = require('app-builder-lib/out/util/config/config') as {
  validateConfiguration: Validate;
};
const { DebugLogger } = require('builder-util') as { DebugLogger: new (enabled: boolean) => unknown };

describe('electron-builder configuration', () => {
  it('passes electron-builder’s own validation, and a broken one does not', async () => {
    await expect(validateConfiguration(await config(), new DebugLogger(false))).resolves.toBeUndefined();
    await expect(
      validateConfiguration(
        { ...(await config()), npmRebuild: 'sometimes', notAnOption: true },
        new DebugLogger(false),
      ),
    ).rejects.toThrow(/configuration/i);
  });

  it('targets AppImage and deb, dmg and nsis, without rebuilding node_modules in place', async () => {
    const loaded = await config();
    expect(loaded.linux.target).toEqual(['AppImage', 'deb']);
    expect(loaded.mac.target).toEqual(['dmg']);
    expect(loaded.win.target).toEqual(['nsis']);
    expect(loaded.npmRebuild).toBe(false);
    for (const icon of [loaded.mac.icon, loaded.win.icon, loaded.linux.icon]) {
      expect(existsSync(`${root}${icon}`), icon).toBe(true);
    }
  });

  it('flips the fuses Hoist does not need in the packaged binary', async () => {
    const loaded = await config();
    expect(existsSync(`${root}${loaded.afterPack}`)).toBe(true);
    const { FuseV1Options } = require('@electron/fuses') as { FuseV1Options: Record<string, number> };
    const { FUSES } = require(`${root}${loaded.afterPack}`) as { FUSES: Record<number, boolean> };
    expect(FUSES).toEqual({
      [FuseV1Options.RunAsNode!]: false,
      [FuseV1Options.EnableNodeOptionsEnvironmentVariable!]: false,
      [FuseV1Options.EnableNodeCliInspectArguments!]: false,
      [FuseV1Options.EnableEmbeddedAsarIntegrityValidation!]: true,
      [FuseV1Options.OnlyLoadAppFromAsar!]: true,
      [FuseV1Options.EnableCookieEncryption!]: true,
      [FuseV1Options.GrantFileProtocolExtraPrivileges!]: false,
    });
  });

  it('unpacks only native modules from app.asar: the worker threads stay where asar integrity covers them', async () => {
    // electron-builder's own matcher for `asarUnpack`, over the real built tree and keytar's binding.
    const { FileMatcher } = require('app-builder-lib/out/fileMatcher') as {
      FileMatcher: new (
        from: string,
        to: string,
        expand: (text: string) => string,
        patterns: string[],
      ) => { createFilter(): (file: string, stat: Stats) => boolean };
    };
    const unpacked = new FileMatcher(root, root, (text) => text, (await config()).asarUnpack).createFilter();
    const files = [
      ...(await filesUnder(`${root}dist/electron`)),
      ...(await filesUnder(`${root}out`)),
      ...(await filesUnder(`${root}node_modules/keytar/build/Release`)),
    ];
    const workers = files.filter((file) => /-worker\.js$/.test(file));
    // hash-worker, hash-thread-worker, embedded-remote-worker (dist/ is what `npm run build:node` makes).
    expect(workers.length, 'built worker files (run npm run build:node)').toBeGreaterThanOrEqual(3);
    const chosen = [];
    for (const file of files) if (unpacked(file, await stat(file))) chosen.push(file);
    expect(chosen.length).toBeGreaterThan(0);
    expect(chosen.filter((file) => !file.endsWith('.node'))).toEqual([]);
    expect(chosen.some((file) => file.endsWith('keytar.node'))).toBe(true);
  });

  it('has a tray icon for every state on every platform, each with its SVG source', () => {
    const states: TrayIconState[] = ['up-to-date', 'syncing', 'paused', 'attention', 'offline'];
    const resources = `${root}resources`;
    for (const state of states) {
      for (const platform of ['linux', 'darwin', 'win32'] as const) {
        const file = trayIconFile(resources, state, platform);
        expect(existsSync(file), file).toBe(true);
        expect(existsSync(file.replace(/\.png$/, '@2x.png')), file).toBe(true);
      }
      expect(existsSync(`${resources}/icons/src/tray-${state}.svg`)).toBe(true);
      expect(existsSync(`${resources}/icons/src/tray-${state}-template.svg`)).toBe(true);
    }
    expect(existsSync(`${resources}/icons/src/hoist.svg`)).toBe(true);
  });
});
