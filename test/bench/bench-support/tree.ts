import { createCipheriv, createHash } from 'node:crypto';
import { mkdir, open, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { mulberry32 } from '../../../electron/server/faults.js';
import { WORK_DIR } from './paths.js';
import { nowMs } from './timing.js';

/**
 * Deterministic trees of files for the sync benches: the same spec always gives the same paths, sizes
 * and bytes (AES-128-CTR keystream keyed by the seed, one IV per file: incompressible and unique, so
 * no tool gets help from compression or deduplication). A tree is generated once under
 * os.tmpdir()/hoist-bench/trees/ and reused while its manifest matches the spec.
 */
export interface TreeSpec {
  /** Part of the folder name, e.g. "10k". */
  name: string;
  seed: number;
  /** Small files, spread over `dirs[0]` × `dirs[1]` folders. */
  smallFiles: number;
  smallBytes: { min: number; max: number };
  dirs: [number, number];
  /** Large files, in their own folder. */
  largeFiles: number;
  largeBytes: { min: number; max: number };
}

export interface Tree {
  spec: TreeSpec;
  root: string;
  files: number;
  bytes: number;
  largestBytes: number;
  /** Seconds spent generating it in this run; null when a cached copy was reused. */
  generatedSeconds: number | null;
}

interface Manifest {
  generator: number;
  spec: TreeSpec;
  files: number;
  bytes: number;
  largestBytes: number;
}

// Bump when the layout or the content generator changes: old caches are then regenerated.
const GENERATOR_VERSION = 1;
const EXTENSIONS = ['txt', 'md', 'json', 'pdf', 'png', 'csv', 'docx', 'bin'];
const WRITE_CONCURRENCY = 32;
const CHUNK = 4 * 1024 * 1024;

export async function ensureTree(spec: TreeSpec, log: (line: string) => void): Promise<Tree> {
  const id = createHash('sha256')
    .update(JSON.stringify({ GENERATOR_VERSION, spec }))
    .digest('hex')
    .slice(0, 10);
  const base = join(WORK_DIR, 'trees');
  const root = join(base, `tree-${spec.name}-${id}`);
  const manifestFile = `${root}.manifest.json`;
  const existing = await readManifest(manifestFile);
  if (existing && (await looksIntact(root, spec, existing))) {
    return { spec, root, ...counts(existing), generatedSeconds: null };
  }
  await mkdir(base, { recursive: true });
  await rm(manifestFile, { force: true });
  await rm(root, { recursive: true, force: true });
  const partial = `${root}.partial-${process.pid}`;
  await rm(partial, { recursive: true, force: true });
  log(
    `generating ${spec.smallFiles + spec.largeFiles} files for tree ${spec.name} in ${root} (once; cached) …`,
  );
  const started = nowMs();
  try {
    const entries = layout(spec);
    const dirs = new Set(entries.map((entry) => entry.path.slice(0, entry.path.lastIndexOf('/'))));
    for (const dir of dirs) await mkdir(join(partial, dir), { recursive: true });
    const key = createHash('sha256').update(`hoist-bench:${spec.seed}`).digest().subarray(0, 16);
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < entries.length) {
        const entry = entries[next++] as LayoutEntry;
        await writeContent(join(partial, entry.path), entry.size, key, entry.index);
      }
    };
    await Promise.all(Array.from({ length: WRITE_CONCURRENCY }, worker));
    await rename(partial, root);
    const manifest: Manifest = {
      generator: GENERATOR_VERSION,
      spec,
      files: entries.length,
      bytes: entries.reduce((sum, entry) => sum + entry.size, 0),
      largestBytes: Math.max(...entries.map((entry) => entry.size)),
    };
    await writeFile(manifestFile, `${JSON.stringify(manifest, null, 2)}\n`);
    const seconds = (nowMs() - started) / 1000;
    log(
      `tree ${spec.name}: ${manifest.files} files, ${(manifest.bytes / 2 ** 20).toFixed(0)} MiB in ${seconds.toFixed(1)} s`,
    );
    return { spec, root, ...counts(manifest), generatedSeconds: seconds };
  } catch (error) {
    await rm(partial, { recursive: true, force: true });
    throw error;
  }
}

/** Reads every file once so that each tool starts with the same (warm) page cache. */
export async function warmTree(tree: Tree): Promise<void> {
  const entries = layout(tree.spec);
  let next = 0;
  const buffer = Array.from({ length: 8 }, () => Buffer.allocUnsafe(CHUNK));
  const worker = async (slot: number): Promise<void> => {
    while (next < entries.length) {
      const entry = entries[next++] as LayoutEntry;
      const handle = await open(join(tree.root, entry.path), 'r');
      try {
        while ((await handle.read(buffer[slot] as Buffer, 0, CHUNK, null)).bytesRead > 0);
      } finally {
        await handle.close();
      }
    }
  };
  await Promise.all(buffer.map((_, slot) => worker(slot)));
}

interface LayoutEntry {
  index: number;
  path: string;
  size: number;
}

/** Every file's path and size, from the spec alone. */
export function layout(spec: TreeSpec): LayoutEntry[] {
  const random = mulberry32(spec.seed);
  const entries: LayoutEntry[] = [];
  const [outer, inner] = spec.dirs;
  const width = String(spec.smallFiles + spec.largeFiles).length;
  for (let index = 0; index < spec.smallFiles; index++) {
    const a = index % outer;
    const b = Math.floor(index / outer) % inner;
    const extension = EXTENSIONS[index % EXTENSIONS.length] as string;
    const size = spec.smallBytes.min + Math.floor(random() * (spec.smallBytes.max - spec.smallBytes.min + 1));
    entries.push({
      index,
      path: `dir-${pad(a, String(outer - 1).length)}/sub-${pad(b, String(inner - 1).length)}/file-${pad(index, width)}.${extension}`,
      size,
    });
  }
  for (let large = 0; large < spec.largeFiles; large++) {
    const index = spec.smallFiles + large;
    const range = spec.largeBytes.max - spec.largeBytes.min;
    // Whole MiB, so the sizes read well in the report.
    const size = Math.round((spec.largeBytes.min + random() * range) / 2 ** 20) * 2 ** 20;
    entries.push({ index, path: `large/video-${pad(large, 2)}.mp4`, size });
  }
  return entries;
}

async function writeContent(path: string, size: number, key: Buffer, index: number): Promise<void> {
  const iv = Buffer.alloc(16);
  iv.writeUInt32BE(index, 0);
  const cipher = createCipheriv('aes-128-ctr', key, iv);
  if (size <= CHUNK) {
    await writeFile(path, cipher.update(Buffer.alloc(size)));
    return;
  }
  const handle = await open(path, 'w');
  try {
    const zeros = Buffer.alloc(CHUNK);
    for (let written = 0; written < size; written += CHUNK) {
      const length = Math.min(CHUNK, size - written);
      await handle.write(cipher.update(zeros.subarray(0, length)));
    }
  } finally {
    await handle.close();
  }
}

async function readManifest(file: string): Promise<Manifest | null> {
  try {
    return JSON.parse(await readFile(file, 'utf8')) as Manifest;
  } catch {
    return null;
  }
}

/** The manifest matches the spec and a sample of files has the right size (nobody trimmed the cache). */
async function looksIntact(root: string, spec: TreeSpec, manifest: Manifest): Promise<boolean> {
  if (manifest.generator !== GENERATOR_VERSION || JSON.stringify(manifest.spec) !== JSON.stringify(spec))
    return false;
  const entries = layout(spec);
  const step = Math.max(1, Math.floor(entries.length / 50));
  const sample = entries.filter((_, index) => index % step === 0 || index >= spec.smallFiles);
  for (const entry of sample) {
    const info = await stat(join(root, entry.path)).catch(() => null);
    if (info?.size !== entry.size) return false;
  }
  return true;
}

function counts(manifest: Manifest): Pick<Tree, 'files' | 'bytes' | 'largestBytes'> {
  return { files: manifest.files, bytes: manifest.bytes, largestBytes: manifest.largestBytes };
}

function pad(value: number, width: number): string {
  return String(value).padStart(width, '0');
}
