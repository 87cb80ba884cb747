import { z } from 'zod';
import type { HttpClient } from './http-client.js';
import { hexToBase64, type PresignedTarget } from './presigned-upload.js';
import type { UploadTicket } from './remote-provider.js';
import { expectShape } from './response-shape.js';

/**
 * Composio's answer to an upload request, in either version. v3 (API.md §2): `type` `new`, `update`
 * or `existing`, each with its own URL field. v3.1: `new_presigned_url` always, `type: 'new'` and
 * `newPresignedUrl` only as deprecated fields that may go. So the URL is read whether or not `type`
 * is there; `type` still decides `existing` and `update` where a server sends them.
 */
const ticketSchema = z.object({
  type: z.string().optional(),
  key: z.string().optional(),
  new_presigned_url: z.string().min(1).optional(),
  newPresignedUrl: z.string().min(1).optional(),
  update_presigned_url: z.string().min(1).optional(),
  metadata: z.object({ storage_backend: z.string().optional() }).optional(),
});

export type ComposioTicket = z.infer<typeof ticketSchema>;

/**
 * Azure Blob Storage refuses a Put Blob without `x-ms-blob-type` (400 MissingRequiredHeader); the
 * v3.1 spec says so for `storage_backend: 'azure_blob_storage'`. Content-MD5 is sent to every backend:
 * S3 and Azure both check it when present, so a body changed in flight is refused, not stored.
 */
const AZURE_HEADERS = { 'x-ms-blob-type': 'BlockBlob' } as const;

/** The ticket as Hoist's UploadTicket, for a file of `md5Hex` and `mimeType` stored under `key`. */
export function readComposioTicket(
  http: HttpClient,
  answer: unknown,
  action: string,
  upload: { key: (remoteKey: string | undefined) => string; md5Hex: string; mimeType: string },
): UploadTicket {
  const ticket = expectShape(http, ticketSchema, answer, action);
  const key = upload.key(ticket.key);
  if (ticket.type === 'existing') return { kind: 'existing', key };
  const replaces = ticket.update_presigned_url !== undefined;
  const url = ticket.update_presigned_url ?? ticket.new_presigned_url ?? ticket.newPresignedUrl;
  if (url === undefined) {
    throw http.unexpectedShape(
      { action },
      `the answer${ticket.type !== undefined ? ` of type ${JSON.stringify(ticket.type)}` : ''} names no upload URL`,
    );
  }
  const target: PresignedTarget = {
    url,
    md5Base64: hexToBase64(upload.md5Hex),
    mimeType: upload.mimeType,
    ...(ticket.metadata?.storage_backend === 'azure_blob_storage' ? { headers: AZURE_HEADERS } : {}),
  };
  return { kind: 'send', key, ...(replaces ? { replaces: true } : {}), target };
}
