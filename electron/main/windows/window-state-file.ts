import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { z } from 'zod';
import type { Rectangle } from './window-bounds.js';
import type { WindowKind } from './window-kinds.js';

const rectangle = z.object({
  x: z.number().int(),
  y: z.number().int(),
  width: z.number().int().positive(),
  height: z.number().int().positive(),
});

const stateSchema = z.object({
  main: rectangle.optional(),
  browse: rectangle.optional(),
  settings: rectangle.optional(),
});

export type WindowStates = Partial<Record<WindowKind, Rectangle>>;

/**
 * Window sizes and positions, kept in one small JSON file in the app's data folder. A missing or damaged
 * file means "defaults", never an error: losing a window position is not worth a crash.
 */
export class WindowStateFile {
  private states: WindowStates = {};
  private writing: Promise<void> = Promise.resolve();

  constructor(private readonly file: string) {}

  async load(): Promise<WindowStates> {
    try {
      const parsed = stateSchema.safeParse(JSON.parse(await readFile(this.file, 'utf8')));
      this.states = parsed.success ? parsed.data : {};
    } catch {
      this.states = {};
    }
    return this.states;
  }

  get(kind: WindowKind): Rectangle | null {
    return this.states[kind] ?? null;
  }

  /** Remembers a window's bounds and writes the file (whole, through a rename, so it is never half written). */
  save(kind: WindowKind, bounds: Rectangle): Promise<void> {
    this.states = { ...this.states, [kind]: roundBounds(bounds) };
    // One write at a time: two windows closing together must not race on the temporary file.
    const write = this.writing.then(async () => {
      await mkdir(dirname(this.file), { recursive: true });
      const temporary = `${this.file}.tmp`;
      await writeFile(temporary, `${JSON.stringify(this.states, null, 2)}\n`);
      await rename(temporary, this.file);
    });
    this.writing = write.catch(() => undefined);
    return write;
  }
}

function roundBounds(bounds: Rectangle): Rectangle {
  return {
    x: Math.round(bounds.x),
    y: Math.round(bounds.y),
    width: Math.round(bounds.width),
    height: Math.round(bounds.height),
  };
}
