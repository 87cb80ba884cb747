import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import {
  appBandwidthLimitSchema,
  pairConfigSchema,
  themeSchema,
  uploadsAtOnceSchema,
} from '../../shared/bridge/contract.js';
import { pairSettingsPatchSchema, remoteFolderSchema } from '../../shared/pair-settings-schema.js';
import { DEFAULT_PAIR_SETTINGS } from '../../shared/sync-types.js';

/**
 * One configured folder: the folder, its remote, the remote folder its files go under, and settings
 * for this folder that override what its state keeps (e.g. a lower "uploads at once"). Never a token.
 */
export const folderConfigSchema = pairConfigSchema
  .extend({
    remoteFolder: remoteFolderSchema.optional(),
    settings: pairSettingsPatchSchema.optional(),
  })
  .strict();

/**
 * What the app remembers between runs, beyond any one folder's state: the folders it syncs (each to
 * its remote), the theme, and the app-wide upload budget every folder shares. Stored as `app.json`
 * in the data root; never a token.
 */
const appConfigSchema = z.object({
  folders: z.array(folderConfigSchema).default([]),
  theme: themeSchema.default('system'),
  uploadsAtOnce: uploadsAtOnceSchema.default(DEFAULT_PAIR_SETTINGS.concurrency),
  bandwidthLimit: appBandwidthLimitSchema.default(null),
});

export type AppConfig = z.infer<typeof appConfigSchema>;
export type FolderConfig = z.infer<typeof folderConfigSchema>;
/** A folder and its remote as a command line names it (`hoist ui <folder>`). */
export type PairConfig = z.infer<typeof pairConfigSchema>;

/**
 * app.json as the one-folder app wrote it (`{ pair, theme }`) becomes a list of one: the same folder,
 * remote and theme. Its settings (remote folder, uploads at once, …) were never in app.json but in the
 * pair's own state, which keeps them, so nothing is lost.
 */
function migrated(raw: unknown): unknown {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) return raw;
  const { pair, ...rest } = raw as { pair?: unknown; folders?: unknown };
  if (pair === undefined || 'folders' in rest) return rest;
  return { ...rest, folders: pair === null ? [] : [pair] };
}

export class AppConfigFile {
  constructor(private readonly dataRoot: string) {}

  private get file(): string {
    return join(this.dataRoot, 'app.json');
  }

  /**
   * The stored configuration; a missing file is a first run. A file that is there but cannot be read
   * as a configuration is an error, not a first run: writing over it would forget every folder in it.
   */
  async read(): Promise<AppConfig> {
    let text: string;
    try {
      text = await readFile(this.file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return appConfigSchema.parse({});
      throw new Error(`Hoist cannot read ${this.file}: ${(error as Error).message}`);
    }
    let raw: unknown;
    try {
      raw = JSON.parse(text);
    } catch {
      throw new Error(`${this.file} is not JSON; fix or remove it (it lists the folders Hoist syncs)`);
    }
    const parsed = appConfigSchema.safeParse(migrated(raw));
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new Error(
        `${this.file}: ${issue?.path.join('.') || 'the file'} ${issue?.message ?? 'is not valid'}; fix or remove it`,
      );
    }
    return parsed.data;
  }

  /** Written to a temporary file and renamed, so a crash never leaves half a file. */
  async write(config: AppConfig): Promise<void> {
    await mkdir(this.dataRoot, { recursive: true, mode: 0o700 });
    const temporary = `${this.file}.${process.pid}.tmp`;
    await writeFile(temporary, `${JSON.stringify(config, null, 2)}\n`, { mode: 0o600 });
    await rename(temporary, this.file);
  }
}
