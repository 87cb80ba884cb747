import { createRequire } from 'node:module';
import type mimeTypes from 'mime-types';

let database: typeof mimeTypes | null = null;

/**
 * The media type a file's name suggests, or application/octet-stream. mime-types (CommonJS) and its
 * JSON database are required on the first lookup, not at start-up: ~0.02 s that a run with nothing
 * to upload or store never needs (docs/benchmarks.md, issue 18).
 */
export function mimeTypeFromName(name: string): string {
  database ??= createRequire(import.meta.url)('mime-types') as typeof mimeTypes;
  return database.lookup(name) || 'application/octet-stream';
}
