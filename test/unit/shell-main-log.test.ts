import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createMainLog } from '../../electron/main/logging/main-log.js';
import { makeTempDir } from '../support/temp-dir.js';

let dir: { path: string; remove: () => Promise<void> };
beforeEach(async () => {
  dir = await makeTempDir('hoist-main-log-');
});
afterEach(async () => {
  await dir.remove();
});

describe('main log', () => {
  it('stamps each line, echoes it, appends it, and starts over past the size limit keeping one old file', async () => {
    const file = join(dir.path, 'logs', 'main.log');
    const echoed: string[] = [];
    const log = createMainLog(file, {
      maxBytes: 60,
      echo: (line) => echoed.push(line),
      now: () => new Date(Date.UTC(2026, 11, 3, 12, 0, 0)),
    });
    log('the sync process exited with code 3; restarting in 1 s');
    log('second line');
    expect(echoed[0]).toBe('2026-12-03T12:00:00.000Z the sync process exited with code 3; restarting in 1 s');
    expect(await readFile(`${file}.1`, 'utf8')).toBe(
      '2026-12-03T12:00:00.000Z the sync process exited with code 3; restarting in 1 s\n',
    );
    expect(await readFile(file, 'utf8')).toBe('2026-12-03T12:00:00.000Z second line\n');
  });

  it('keeps working when the file cannot be written', async () => {
    // A folder that cannot exist: its parent is a file.
    const blocker = join(dir.path, 'not-a-folder');
    await writeFile(blocker, '');
    const echoed: string[] = [];
    const log = createMainLog(join(blocker, 'logs', 'main.log'), { echo: (line) => echoed.push(line) });
    expect(() => log('still fine')).not.toThrow();
    expect(echoed).toHaveLength(1);
  });
});
