import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { z } from 'zod';

/**
 * The desktop shell's own preferences: what main decides without asking the app core. Start-at-login
 * is not here: the OS (login item, autostart entry) is its truth.
 */
const schema = z.object({
  notifications: z.boolean().default(true),
  /** The first close of the main window says Hoist is still running (and where); once is enough. */
  closeNoticeShown: z.boolean().default(false),
});

export type ShellSettings = z.infer<typeof schema>;

export class ShellSettingsFile {
  private settings: ShellSettings = schema.parse({});

  constructor(private readonly file: string) {}

  async load(): Promise<ShellSettings> {
    try {
      const parsed = schema.safeParse(JSON.parse(await readFile(this.file, 'utf8')));
      if (parsed.success) this.settings = parsed.data;
    } catch {
      // Missing or damaged: the defaults, which are what a new user gets anyway.
    }
    return this.settings;
  }

  get current(): ShellSettings {
    return this.settings;
  }

  async update(change: Partial<ShellSettings>): Promise<ShellSettings> {
    this.settings = { ...this.settings, ...change };
    await mkdir(dirname(this.file), { recursive: true });
    const temporary = `${this.file}.tmp`;
    await writeFile(temporary, `${JSON.stringify(this.settings, null, 2)}\n`);
    await rename(temporary, this.file);
    return this.settings;
  }
}
