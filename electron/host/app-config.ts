import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { pairConfigSchema, themeSchema } from '../../shared/bridge/contract.js';

/**
 * What the app remembers between runs, beyond any one pair's state: which folder and remote it
 * syncs, and the theme. Stored as `app.json` in the data root; never a token.
 */
const appConfigSchema = z.object({
  pair: pairConfigSchema.nullable().default(null),
  theme: themeSchema.default('system'),
});

export type AppConfig = z.infer<typeof appConfigSchema>;
export type PairConfig = z.infer<typeof pairConfigSchema>;

export class AppConfigFile {
  constructor(private readonly dataRoot: string) {}

  private get file(): string {
    return join(this.dataRoot, 'app.json');
  }

  /** The stored configuration; a missing or unreadable file is a first run, not an error. */
  async read(): Promise<AppConfig> {
    try {
      return appConfigSchema.parse(JSON.parse(await readFile(this.file, 'utf8')));
    } catch {
      return appConfigSchema.parse({});
    }
  }

  /** Written to a temporary file and renamed, so a crash never leaves half a file. */
  async write(config: AppConfig): Promise<void> {
    await mkdir(this.dataRoot, { recursive: true, mode: 0o700 });
    const temporary = `${this.file}.${process.pid}.tmp`;
    await writeFile(temporary, `${JSON.stringify(config, null, 2)}\n`, { mode: 0o600 });
    await rename(temporary, this.file);
  }
}
