import { MiB } from './report.js';
import type { TreeSpec } from './tree.js';

/** ~1 GiB: 9,988 files of 1–64 KiB in 500 folders, and 12 of 20–100 MiB. */
export const TREE_10K: TreeSpec = {
  name: '10k',
  seed: 10_000,
  smallFiles: 9_988,
  smallBytes: { min: 1024, max: 64 * 1024 },
  dirs: [20, 25],
  largeFiles: 12,
  largeBytes: { min: 20 * MiB, max: 100 * MiB },
};

/** 100,000 files of 64 B–4 KiB (~200 MiB) in 1,000 folders. */
export const TREE_100K: TreeSpec = {
  name: '100k',
  seed: 100_000,
  smallFiles: 100_000,
  smallBytes: { min: 64, max: 4096 },
  dirs: [10, 100],
  largeFiles: 0,
  largeBytes: { min: 0, max: 0 },
};

/** Issue 18's comparison with rclone: 3,000 files of 1–64 KiB (~97 MiB) in 30 folders. */
export const TREE_3K: TreeSpec = {
  name: '3k',
  seed: 3_000,
  smallFiles: 3_000,
  smallBytes: { min: 1024, max: 64 * 1024 },
  dirs: [5, 6],
  largeFiles: 0,
  largeBytes: { min: 0, max: 0 },
};
