import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * The forms a token can leak in: as it is, URL-encoded, base64 (padded or not), base64url, and the
 * SHA-256 hex the reference server compares against (it keeps that in memory only).
 */
export function secretForms(secret: string): string[] {
  const base64 = Buffer.from(secret).toString('base64');
  return [
    ...new Set([
      secret,
      encodeURIComponent(secret),
      base64,
      base64.replace(/=+$/, ''),
      Buffer.from(secret).toString('base64url'),
      createHash('sha256').update(secret).digest('hex'),
    ]),
  ];
}

/** Where each form of each secret occurs in `text` ("what: form"), or nothing. */
export function secretsIn(what: string, text: string | Buffer, secrets: readonly string[]): string[] {
  const bytes = typeof text === 'string' ? Buffer.from(text) : text;
  const found: string[] = [];
  for (const secret of secrets) {
    for (const form of secretForms(secret)) {
      if (bytes.includes(form)) found.push(`${what}: ${JSON.stringify(form)}`);
    }
  }
  return found;
}

/** Every file under `root` (SQLite DBs and their -wal files, logs, lock files…), searched as bytes. */
export async function secretsUnder(root: string, secrets: readonly string[]): Promise<string[]> {
  const found: string[] = [];
  const entries = await readdir(root, { recursive: true, withFileTypes: true });
  let files = 0;
  for (const entry of entries) {
    if (!entry.isFile()) continue;
    const path = join(entry.parentPath, entry.name);
    const bytes = await readFile(path).catch(() => null); // gone since the listing
    if (bytes === null) continue;
    files++;
    found.push(...secretsIn(path, bytes, secrets));
  }
  if (files === 0) throw new Error(`No file under ${root}: nothing was scanned`);
  return found;
}

/**
 * The command lines of a process and of all its descendants, sampled every 50 ms while it runs
 * (worker threads share their process's command line).
 */
export function watchCommandLines(pid: number): { seen: Set<string>; stop: () => void } {
  const seen = new Set<string>();
  const sample = (): void => {
    const parents = new Map<number, number>();
    for (const name of readdirSync('/proc')) {
      if (!/^\d+$/.test(name)) continue;
      try {
        // The parent pid is the 4th field, after a command name in parentheses that may hold spaces.
        const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
        parents.set(Number(name), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
      } catch {
        // Exited meanwhile.
      }
    }
    const family = new Set([pid]);
    for (let grew = true; grew;) {
      grew = false;
      for (const [child, parent] of parents) {
        if (family.has(parent) && !family.has(child)) {
          family.add(child);
          grew = true;
        }
      }
    }
    for (const member of family) {
      try {
        seen.add(readFileSync(`/proc/${member}/cmdline`, 'utf8').split('\0').join(' '));
      } catch {
        // Exited meanwhile.
      }
    }
  };
  sample();
  const timer = setInterval(sample, 50);
  return { seen, stop: () => clearInterval(timer) };
}
