import { join } from 'node:path';
import { ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { spawnChild, type Child } from './child.js';
import { ROOT } from './paths.js';

/** s3rver's built-in account (it checks no signature). */
export const S3RVER_KEY = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } as const;

export interface S3rverProcess {
  endpoint: string;
  bucket: string;
  directory: string;
  child: Child;
  /** Objects and bytes under `prefix` (a listing through the S3 API). */
  usage(prefix?: string): Promise<{ objects: number; bytes: number }>;
  stop(): Promise<void>;
}

/** A fresh s3rver with one empty bucket, in its own process, its data in a fresh temp dir. */
export async function startS3rver(bucket: string): Promise<S3rverProcess> {
  const main = join(ROOT, 'dist', 'test', 'bench', 'bench-support', 's3rver-main.js');
  // s3rver's ListObjectsV2 continuation tokens use DES, which OpenSSL 3 only offers through its legacy
  // provider: without it every V2 listing of more than 1,000 keys fails with InternalError. rclone and
  // usage() below list with V2; Hoist's S3 backend pages with V1 markers and does not need this.
  const child = spawnChild(process.execPath, ['--openssl-legacy-provider', main, bucket], {
    label: 's3rver',
    sampleMemoryMs: 500,
  });
  const { match } = await child.waitForLine(/^\{.*"endpoint".*\}$/, 30_000);
  const info = JSON.parse(match[0]) as { endpoint: string; directory: string };
  const client = new S3Client({
    endpoint: info.endpoint,
    region: 'us-east-1',
    forcePathStyle: true,
    credentials: { ...S3RVER_KEY },
  });
  return {
    endpoint: info.endpoint,
    bucket,
    directory: info.directory,
    child,
    usage: async (prefix = '') => {
      let objects = 0;
      let bytes = 0;
      let token: string | undefined;
      do {
        const page = await client.send(
          new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }),
        );
        for (const item of page.Contents ?? []) {
          objects++;
          bytes += item.Size ?? 0;
        }
        token = page.IsTruncated ? page.NextContinuationToken : undefined;
      } while (token !== undefined);
      return { objects, bytes };
    },
    stop: async () => {
      client.destroy();
      await child.stop('SIGTERM', 30_000);
    },
  };
}
