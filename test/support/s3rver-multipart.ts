import { createHash } from 'node:crypto';
import { cp, readFile, readdir, rm, stat } from 'node:fs/promises';
import type { IncomingMessage } from 'node:http';
import { join } from 'node:path';

/**
 * The Koa context s3rver hands its middleware: the part of it this file uses (s3rver is CommonJS
 * without type declarations).
 */
interface KoaContext {
  method: string;
  path: string;
  query: Record<string, string | string[] | undefined>;
  req: IncomingMessage;
  status: number;
  body: unknown;
  type: string;
  set(name: string, value: string): void;
}
type Next = () => Promise<void>;
export type KoaMiddleware = (ctx: KoaContext, next: Next) => Promise<void>;

interface FilesystemStore {
  getResourcePath(bucket: string, key: string | undefined, resource: string): string;
}

export interface MultipartCounters {
  /** UploadPart requests that reached the emulator (whatever their outcome). */
  partPuts: number;
}

/**
 * What s3rver 3.7 lacks of S3's multipart API, added in front of its router so the S3 backend's
 * multipart uploads can be tested against it: ListParts (GET ?uploadId), AbortMultipartUpload
 * (DELETE ?uploadId), UploadPart to an upload that does not exist (404 NoSuchUpload; s3rver would
 * create it) and UploadPart's Content-MD5 check (400 BadDigest, the previous part kept; s3rver checks
 * no MD5). Everything else (create, the part's storage, complete) is s3rver's own, on its own files:
 * `<bucket>/<uploads dir>/<uploadId>/{key,<part>,<part>.md5}`.
 */
export function s3rverMultipartMiddleware(
  store: FilesystemStore,
  counters: MultipartCounters,
): KoaMiddleware {
  return async (ctx, next) => {
    const uploadId = single(ctx.query.uploadId);
    const match = /^\/([^/]+)\/(.+)$/.exec(ctx.path);
    if (uploadId === undefined || match === null) return next();
    const bucket = match[1] as string;
    const uploadDir = join(store.getResourcePath(bucket, undefined, 'uploads'), uploadId);
    const exists = await stat(join(uploadDir, 'key')).then(
      () => true,
      () => false,
    );
    const partNumber = single(ctx.query.partNumber);
    if (ctx.method === 'PUT' && partNumber !== undefined) counters.partPuts++;
    if (!exists && (ctx.method !== 'POST' || partNumber !== undefined)) {
      return s3Error(ctx, 404, 'NoSuchUpload', 'The specified upload does not exist.');
    }
    if (ctx.method === 'GET')
      return listParts(ctx, bucket, decodeURIComponent(match[2] as string), uploadId, uploadDir);
    if (ctx.method === 'DELETE') {
      await rm(uploadDir, { recursive: true, force: true });
      ctx.status = 204;
      ctx.body = '';
      return;
    }
    if (ctx.method === 'PUT' && partNumber !== undefined)
      return checkedPart(ctx, next, uploadDir, partNumber);
    return next();
  };
}

/** UploadPart with S3's Content-MD5 check: a body that does not match leaves the previous part as it was. */
async function checkedPart(
  ctx: KoaContext,
  next: Next,
  uploadDir: string,
  partNumber: string,
): Promise<void> {
  const sent = ctx.req.headers['content-md5'];
  if (typeof sent !== 'string') return next();
  const partPath = join(uploadDir, partNumber);
  const saved = `${partPath}.previous`;
  const hadPart = await cp(partPath, saved).then(
    () => true,
    () => false,
  );
  if (hadPart) await cp(`${partPath}.md5`, `${saved}.md5`);
  await next();
  const stored = await readFile(`${partPath}.md5`, 'utf8').catch(() => '');
  if (Buffer.from(stored, 'hex').toString('base64') === sent) {
    await rm(saved, { force: true });
    await rm(`${saved}.md5`, { force: true });
    return;
  }
  if (hadPart) {
    await cp(saved, partPath);
    await cp(`${saved}.md5`, `${partPath}.md5`);
    await rm(saved, { force: true });
    await rm(`${saved}.md5`, { force: true });
  } else {
    await rm(partPath, { force: true });
    await rm(`${partPath}.md5`, { force: true });
  }
  s3Error(ctx, 400, 'BadDigest', 'The Content-MD5 you specified did not match what we received.');
}

async function listParts(
  ctx: KoaContext,
  bucket: string,
  key: string,
  uploadId: string,
  uploadDir: string,
): Promise<void> {
  const marker = Number(single(ctx.query['part-number-marker']) ?? 0);
  const maxParts = Number(single(ctx.query['max-parts']) ?? 1000);
  const numbers = (await readdir(uploadDir))
    .filter((name) => /^\d+$/.test(name))
    .map(Number)
    .filter((number) => number > marker)
    .sort((a, b) => a - b);
  const page = numbers.slice(0, maxParts);
  const parts: string[] = [];
  for (const number of page) {
    const info = await stat(join(uploadDir, String(number)));
    const md5 =
      (await readFile(join(uploadDir, `${number}.md5`), 'utf8').catch(() => null)) ??
      createHash('md5')
        .update(await readFile(join(uploadDir, String(number))))
        .digest('hex');
    parts.push(
      `<Part><PartNumber>${number}</PartNumber><LastModified>${info.mtime.toISOString()}</LastModified>` +
        `<ETag>&quot;${md5}&quot;</ETag><Size>${info.size}</Size></Part>`,
    );
  }
  const truncated = numbers.length > page.length;
  ctx.status = 200;
  ctx.type = 'application/xml';
  ctx.body =
    `<?xml version="1.0" encoding="UTF-8"?>\n<ListPartsResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">` +
    `<Bucket>${escape(bucket)}</Bucket><Key>${escape(key)}</Key><UploadId>${uploadId}</UploadId>` +
    `<PartNumberMarker>${marker}</PartNumberMarker>` +
    `<NextPartNumberMarker>${page.at(-1) ?? marker}</NextPartNumberMarker>` +
    `<MaxParts>${maxParts}</MaxParts><IsTruncated>${truncated}</IsTruncated>${parts.join('')}</ListPartsResult>`;
}

function s3Error(ctx: KoaContext, status: number, code: string, message: string): void {
  ctx.status = status;
  ctx.type = 'application/xml';
  ctx.body = `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${message}</Message></Error>`;
}

function single(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

function escape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
