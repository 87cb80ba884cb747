import { join } from 'node:path';
import { mimeTypeFromName } from '../../base/mime-type.js';
import type { UploadCandidate } from '../remote/remote-provider.js';
import type { LocalFile } from '../state/local-files.js';

/**
 * What the remote is asked about for a hashed file of the folder at `root`: the one way to make it, so
 * a ticket asked for ahead (ticket-prefetch.ts) names exactly what the upload will (its MIME type
 * above all, which a prefetched ticket is matched on).
 */
export function uploadCandidateOf(root: string, file: LocalFile, md5: string): UploadCandidate {
  return {
    path: file.path,
    absolutePath: join(root, ...file.path.split('/')),
    // Stored already sanitized; the remote's sanitizer leaves it as it is.
    remoteName: file.remoteName,
    size: file.size,
    mimeType: mimeTypeFromName(file.path),
    md5Hex: md5,
    sha256Hex: file.sha256,
  };
}
