import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readdir, stat } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { s3rverMultipartMiddleware, type KoaMiddleware, type MultipartCounters } from './s3rver-multipart.js';
import { makeTempDir } from './temp-dir.js';

/** The part of s3rver 3.x (CommonJS, no type declarations) the tests use. */
interface S3rverInstance {
  run(): Promise<AddressInfo>;
  close(): Promise<void>;
  httpServer?: Server;
  /** Koa's middleware list; composed when the server starts, so it can still be added to. */
  middleware: KoaMiddleware[];
  store: { getResourcePath(bucket: string, key: string | undefined, resource: string): string };
}
type S3rverConstructor = new (options: {
  address: string;
  port: number;
  directory: string;
  silent: boolean;
  configureBuckets: Array<{ name: string }>;
}) => S3rverInstance;

const S3rver = createRequire(import.meta.url)('s3rver') as S3rverConstructor;

/** s3rver's built-in account; it accepts any signature for it, so these are the only credentials. */
export const S3RVER_CREDENTIALS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } as const;

export interface S3Emulator {
  /** `http://127.0.0.1:<port>`: use with forcePathStyle, s3rver addresses buckets by path on an IP. */
  endpoint: string;
  bucket: string;
  /** Where s3rver keeps the buckets on disk. */
  directory: string;
  /** The backend options for `startTestServer({ backend })`. */
  backend: {
    kind: 's3';
    bucket: string;
    endpoint: string;
    region: string;
    forcePathStyle: true;
    credentials: { accessKeyId: string; secretAccessKey: string };
  };
  /** UploadPart requests it received (s3rver-multipart.ts adds what s3rver lacks of multipart). */
  multipart: MultipartCounters;
  /** Multipart uploads it holds open (created, neither completed nor aborted). */
  openMultipartUploads(): Promise<string[]>;
  /** Connections the emulator holds open right now (keep-alive sockets of any client). */
  connections(): Promise<number>;
  stop(): Promise<void>;
}

/**
 * A local S3 emulator (s3rver) on 127.0.0.1 with a random port, its data in a fresh temp dir and one
 * empty bucket. s3rver checks neither signatures (v4 is accepted unverified) nor Content-MD5, so tests
 * can only check what a presigned URL signs, not that S3 enforces it.
 */
export async function startS3Emulator(bucket = 'hoist-test'): Promise<S3Emulator> {
  const temp = await makeTempDir('hoist-s3rver-');
  const emulator = new S3rver({
    address: '127.0.0.1',
    port: 0,
    directory: temp.path,
    silent: true,
    configureBuckets: [{ name: bucket }],
  });
  const multipart: MultipartCounters = { partPuts: 0 };
  // Before s3rver's router, the last middleware it installed.
  emulator.middleware.splice(
    emulator.middleware.length - 1,
    0,
    s3rverMultipartMiddleware(emulator.store, multipart),
  );
  let address: AddressInfo;
  try {
    address = await emulator.run();
  } catch (error) {
    await temp.remove();
    throw error;
  }
  const endpoint = `http://127.0.0.1:${address.port}`;
  let stopped: Promise<void> | undefined;
  return {
    endpoint,
    bucket,
    directory: temp.path,
    backend: {
      kind: 's3',
      bucket,
      endpoint,
      region: 'us-east-1',
      forcePathStyle: true,
      credentials: { ...S3RVER_CREDENTIALS },
    },
    multipart,
    openMultipartUploads: async () => {
      const uploads = emulator.store.getResourcePath(bucket, undefined, 'uploads');
      const names = await readdir(uploads).catch(() => [] as string[]);
      const open: string[] = [];
      for (const name of names) {
        if (
          await stat(join(uploads, name, 'key')).then(
            () => true,
            () => false,
          )
        )
          open.push(name);
      }
      return open;
    },
    connections: () =>
      new Promise<number>((resolve, reject) => {
        const server = emulator.httpServer;
        if (!server) return resolve(0);
        server.getConnections((error, count) => (error ? reject(error) : resolve(count)));
      }),
    // Once: a test may stop the emulator itself (a bucket that went away) before its cleanup does.
    stop: () =>
      (stopped ??= (async () => {
        // s3rver's close() waits for keep-alive sockets (the SDK's and fetch's) to go idle and time
        // out; cut them so stopping takes milliseconds, not the keep-alive timeout.
        const closed = emulator.close();
        emulator.httpServer?.closeAllConnections();
        await closed;
        await temp.remove();
      })()),
  };
}
