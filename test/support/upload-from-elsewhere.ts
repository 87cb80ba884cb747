import { createHash } from 'node:crypto';
import type { RemoteProvider } from '../../electron/engine/remote/remote-provider.js';

/**
 * Puts bytes on the remote under `name` the way another device would: a ticket, then the upload
 * (nothing when the remote already has them there). No folder of the test knows about it.
 */
export async function uploadFromElsewhere(
  provider: RemoteProvider,
  name: string,
  content: string | Buffer,
): Promise<void> {
  const bytes = Buffer.from(content);
  const file = {
    path: name,
    absolutePath: `/elsewhere/${name}`,
    remoteName: name,
    size: bytes.length,
    mimeType: 'text/plain',
    md5Hex: createHash('md5').update(bytes).digest('hex'),
    sha256Hex: provider.info.needsSha256 ? createHash('sha256').update(bytes).digest('hex') : null,
  };
  const ticket = await provider.prepareUpload(file);
  if (ticket.kind !== 'send') return;
  await provider.send(ticket, file, async function* () {
    yield bytes;
  });
}
