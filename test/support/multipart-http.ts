import { createHash } from 'node:crypto';
import { http, type ReadResponse } from './http.js';

/** Plain-HTTP calls of the reference server's multipart routes (docs/reference-remote.md §2a). */
export const md5Hex = (body: string | Uint8Array): string => createHash('md5').update(body).digest('hex');
export const md5Base64 = (body: string | Uint8Array): string =>
  createHash('md5').update(body).digest('base64');

export interface CreatedUpload {
  type: 'new';
  uploadId: string;
  s3Key: string;
  md5: string;
  size: number;
  partSize: number;
  partCount: number;
  minPartSize: number;
  maxParts: number;
  replaces: boolean;
  expiresAt: string;
}

export interface PartUrl {
  partNumber: number;
  url: string;
  md5: string;
  expiresAt: string;
}

export interface UploadListing {
  uploadId: string;
  s3Key: string;
  md5: string;
  size: number;
  partSize: number;
  partCount: number;
  parts: Array<{ partNumber: number; etag: string; size: number }>;
}

/** A file cut into the parts an upload of it expects. */
export function cut(body: Buffer, partSize: number): Buffer[] {
  const parts: Buffer[] = [];
  for (let offset = 0; offset < body.length; offset += partSize)
    parts.push(body.subarray(offset, offset + partSize));
  return parts;
}

/** Deterministic bytes, different for each seed. */
export function bytes(size: number, seed = 1): Buffer {
  const out = Buffer.alloc(size);
  let state = seed * 2654435761;
  for (let index = 0; index < size; index++) {
    state = (state * 1103515245 + 12345) >>> 0;
    out[index] = state >>> 24;
  }
  return out;
}

export class MultipartHttp {
  constructor(
    private readonly baseUrl: string,
    private readonly token: string,
  ) {}

  private headers(): Record<string, string> {
    return {
      authorization: `Bearer ${this.token}`,
      'x-api-version': '2025-09',
      'content-type': 'application/json',
    };
  }

  post(path: string, body: unknown): Promise<ReadResponse> {
    return http(`${this.baseUrl}/connectors/files/multipart${path}`, {
      method: 'POST',
      headers: this.headers(),
      body: JSON.stringify(body),
    });
  }

  /** The raw answer of a create. */
  create(filename: string, body: Buffer, extra: Record<string, unknown> = {}): Promise<ReadResponse> {
    return this.post('/create', {
      filename,
      mimeType: 'application/octet-stream',
      md5: md5Hex(body),
      size: body.length,
      ...extra,
    });
  }

  async createNew(filename: string, body: Buffer, partSize: number): Promise<CreatedUpload> {
    const answer = await this.create(filename, body, { partSize });
    if (answer.status !== 200) throw new Error(`create: ${answer.status} ${answer.text}`);
    const created = answer.json<CreatedUpload | { type: 'existing' }>();
    if (created.type !== 'new') throw new Error(`create answered ${answer.text}`);
    return created;
  }

  async partUrls(uploadId: string, parts: Buffer[], numbers?: number[]): Promise<PartUrl[]> {
    const which = numbers ?? parts.map((_, index) => index + 1);
    const answer = await this.post(`/${uploadId}/part-urls`, {
      parts: which.map((partNumber) => ({ partNumber, md5: md5Hex(parts[partNumber - 1] as Buffer) })),
    });
    if (answer.status !== 200) throw new Error(`part-urls: ${answer.status} ${answer.text}`);
    return answer.json<{ parts: PartUrl[] }>().parts;
  }

  /** PUTs a part as a client would: the part URL's Content-MD5 and the bytes. */
  putPart(url: PartUrl, body: Buffer): Promise<ReadResponse> {
    return http(url.url, { method: 'PUT', headers: { 'content-md5': url.md5 }, body });
  }

  list(uploadId: string): Promise<ReadResponse> {
    return http(`${this.baseUrl}/connectors/files/multipart/${uploadId}`, { headers: this.headers() });
  }

  async listed(uploadId: string): Promise<UploadListing> {
    const answer = await this.list(uploadId);
    if (answer.status !== 200) throw new Error(`list: ${answer.status} ${answer.text}`);
    return answer.json<UploadListing>();
  }

  complete(uploadId: string, parts: Array<{ partNumber: number; etag: string }>): Promise<ReadResponse> {
    return this.post(`/${uploadId}/complete`, { parts });
  }

  abort(uploadId: string): Promise<ReadResponse> {
    return this.post(`/${uploadId}/abort`, {});
  }

  /** Every part of `body` uploaded, in parallel; returns the ETags in part order. */
  async uploadAll(
    upload: CreatedUpload,
    parts: Buffer[],
  ): Promise<Array<{ partNumber: number; etag: string }>> {
    const urls = await this.partUrls(upload.uploadId, parts);
    const answers = await Promise.all(
      urls.map((url) => this.putPart(url, parts[url.partNumber - 1] as Buffer)),
    );
    return answers.map((answer, index) => {
      if (answer.status !== 200) throw new Error(`part ${index + 1}: ${answer.status} ${answer.text}`);
      return { partNumber: index + 1, etag: answer.headers.get('etag') ?? '' };
    });
  }

  async fileList(): Promise<Array<{ s3Key: string; filename: string; size: number }>> {
    const answer = await http(`${this.baseUrl}/connectors/files/list`, { headers: this.headers() });
    if (answer.status !== 200) throw new Error(`list: ${answer.status} ${answer.text}`);
    return answer.json<{ files: Array<{ s3Key: string; filename: string; size: number }> }>().files;
  }
}
