import { createHash } from 'node:crypto';
import Composio from '@composio/client';
import { afterEach, describe, expect, it } from 'vitest';
import { EngineHarness } from '../support/engine-harness.js';
import { TEST_USERS } from '../support/test-server.js';

// Issue 20: the reference remote serves what Composio's own TypeScript client sends, and Hoist and a
// Composio user's program share one project, each seeing the other's files as the never-overwrite
// rules say. Nothing is installed at run time: @composio/client is a devDependency.

const md5 = (bytes: Uint8Array | string): string => createHash('md5').update(bytes).digest('hex');

/**
 * The official SDK's upload, step for step: `uploadFileToS3` in @composio/core 0.21.0
 * (src/utils/fileUtils.node.ts, lines 213–266). It cannot be called itself here: @composio/core
 * 0.21.0 depends on @composio/client 2.0.0-rc.8, which the npm registry does not have, declares
 * node >=22.22.3 (ours is 20), and its `ssrfSafeFetch` refuses every loopback address, which is
 * where the reference remote listens in tests. So this does what it does with the same client:
 * ask `createPresignedURL` with the hex MD5, take `key` and `new_presigned_url` (reading neither
 * `type` nor `metadata.storage_backend`), PUT the bytes with Content-Type only (no Content-MD5, no
 * Content-Length set by hand), and throw unless the answer is ok.
 */
async function uploadFileToS3(
  fileName: string,
  contentBytes: Uint8Array,
  toolSlug: string,
  toolkitSlug: string,
  mimeType: string,
  client: Composio,
): Promise<string> {
  const response = await client.files.createPresignedURL({
    filename: fileName,
    mimetype: mimeType,
    md5: md5(contentBytes),
    tool_slug: toolSlug,
    toolkit_slug: toolkitSlug,
  });
  const { key, new_presigned_url: signedURL } = response;
  const uploadBuffer = new Uint8Array(contentBytes.byteLength);
  uploadBuffer.set(contentBytes);
  const uploadResponse = await fetch(signedURL, {
    method: 'PUT',
    body: uploadBuffer,
    headers: { 'Content-Type': mimeType },
  });
  if (!uploadResponse.ok) {
    throw new Error(`Failed to upload file to S3: ${uploadResponse.statusText}`);
  }
  return key;
}

const bytes = (text: string): Uint8Array => new TextEncoder().encode(text);

/** Every file of the project, walked through `next_cursor` with the client's own `list`. */
async function listAll(
  client: Composio,
  limit: number,
): Promise<{
  items: Array<{ toolkit_slug: string; tool_slug: string; filename: string; md5: string }>;
  pages: number;
}> {
  const items = [];
  let cursor: string | undefined;
  let pages = 0;
  for (;;) {
    const page = await client.files.list({ limit, ...(cursor !== undefined ? { cursor } : {}) });
    pages++;
    expect(page.current_page).toBe(pages);
    items.push(
      ...page.items.map(({ toolkit_slug, tool_slug, filename, md5: sum }) => ({
        toolkit_slug,
        tool_slug,
        filename,
        md5: sum,
      })),
    );
    if (page.next_cursor === null || page.next_cursor === undefined) break;
    cursor = page.next_cursor;
  }
  return { items, pages };
}

describe('Composio’s official client against the reference remote, with Hoist on the same project', () => {
  let harness: EngineHarness | null = null;
  afterEach(async () => {
    await harness?.close();
    harness = null;
  });

  it('creates tickets, uploads as the SDK does, lists and pages; Hoist and the SDK see each other’s files and overwrite nothing', async () => {
    harness = await EngineHarness.create({ kind: 'composio' });
    const client = new Composio({ apiKey: TEST_USERS.alice.token, baseURL: harness.server.url });

    // The ticket has the v3.1 shape the client is generated from, deprecated fields included.
    const ticket = await client.files.createPresignedURL({
      filename: 'probe.txt',
      mimetype: 'text/plain',
      md5: md5('probe'),
      tool_slug: 'sync',
      toolkit_slug: 'hoist',
    });
    expect(ticket).toEqual({
      id: expect.any(String),
      key: expect.stringMatching(/\/hoist\/sync\/probe\.txt$/),
      new_presigned_url: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+\//),
      newPresignedUrl: ticket.new_presigned_url,
      type: 'new',
      metadata: { storage_backend: 's3' },
    });
    // A body that is not what the ticket announced is refused, with no Content-MD5 to go by too.
    const wrong = await fetch(ticket.new_presigned_url, {
      method: 'PUT',
      body: bytes('not the probe'),
      headers: { 'Content-Type': 'text/plain' },
    });
    expect(wrong.status).toBe(400);
    expect(await wrong.text()).toContain('<Code>BadDigest</Code>');

    // A Composio user's program stores three files: two where Hoist syncs (toolkit hoist, tool sync),
    // one in another toolkit.
    await uploadFileToS3('from-sdk.txt', bytes('written by the SDK'), 'sync', 'hoist', 'text/plain', client);
    await uploadFileToS3('shared.txt', bytes('the SDK’s shared.txt'), 'sync', 'hoist', 'text/plain', client);
    await uploadFileToS3('report.csv', bytes('a,b\n1,2\n'), 'send_email', 'gmail', 'text/csv', client);
    const sdkView = await listAll(client, 2);
    expect(sdkView.pages).toBe(2);
    expect(
      sdkView.items.map((item) => `${item.toolkit_slug}/${item.tool_slug}/${item.filename}`).sort(),
    ).toEqual(['gmail/send_email/report.csv', 'hoist/sync/from-sdk.txt', 'hoist/sync/shared.txt']);
    expect(harness.count('unmatched')).toBe(0); // every call of the client found its v3.1 route

    // Hoist syncs a folder with a file of its own and a different shared.txt.
    await harness.write('mine.txt', 'written by Hoist');
    await harness.write('shared.txt', 'Hoist’s shared.txt, different');
    const first = await harness.runOnce();
    expect(first.uploaded).toBe(1);
    expect(first.conflicts).toEqual([expect.objectContaining({ path: 'shared.txt', kind: 'name-taken' })]);
    const browse = harness.state.browse.page({ offset: 0, limit: 10 });
    expect(browse.items.map(({ key, origin }) => ({ key, origin }))).toEqual(
      expect.arrayContaining([
        { key: 'hoist/sync/from-sdk.txt', origin: 'elsewhere' },
        { key: 'gmail/send_email/report.csv', origin: 'elsewhere' },
        { key: 'hoist/sync/mine.txt', origin: 'this-folder' },
      ]),
    );

    // The SDK sees Hoist's file, and its own shared.txt untouched.
    const afterHoist = await listAll(client, 50);
    const byName = new Map(
      afterHoist.items.map((item) => [`${item.toolkit_slug}/${item.tool_slug}/${item.filename}`, item.md5]),
    );
    expect(byName.get('hoist/sync/mine.txt')).toBe(md5('written by Hoist'));
    expect(byName.get('hoist/sync/shared.txt')).toBe(md5('the SDK’s shared.txt'));
    expect(byName.size).toBe(4);

    // The SDK replaces Hoist's file: Hoist notices by its MD5 and does not put its copy back.
    await uploadFileToS3('mine.txt', bytes('replaced by the SDK'), 'sync', 'hoist', 'text/plain', client);
    expect((await harness.engine.refresh()).replaced).toEqual(['mine.txt']);
    await harness.write('mine.txt', 'Hoist edits its copy again');
    const putsBefore = harness.count('object.put');
    const second = await harness.runOnce();
    expect(harness.count('object.put')).toBe(putsBefore);
    expect(second.conflicts).toEqual(
      expect.arrayContaining([expect.objectContaining({ path: 'mine.txt', kind: 'replaced-on-remote' })]),
    );
    const final = new Map((await listAll(client, 50)).items.map((item) => [item.filename, item.md5]));
    expect(final.get('mine.txt')).toBe(md5('replaced by the SDK'));
    expect(final.get('shared.txt')).toBe(md5('the SDK’s shared.txt'));
  });

  it('on Azure-backed tickets the SDK’s upload (no x-ms-blob-type) is refused; Hoist’s succeeds', async () => {
    harness = await EngineHarness.create({
      kind: 'composio',
      server: { composioStorageBackend: 'azure_blob_storage' },
    });
    const client = new Composio({ apiKey: TEST_USERS.alice.token, baseURL: harness.server.url });
    await expect(
      uploadFileToS3('sdk.txt', bytes('from the SDK'), 'sync', 'hoist', 'text/plain', client),
    ).rejects.toThrow(/Failed to upload file to S3/);
    const ticket = await client.files.createPresignedURL({
      filename: 'sdk.txt',
      mimetype: 'text/plain',
      md5: md5('from the SDK'),
      tool_slug: 'sync',
      toolkit_slug: 'hoist',
    });
    expect(ticket.metadata.storage_backend).toBe('azure_blob_storage');
    // What the spec asks of such a URL: the same PUT with x-ms-blob-type lands.
    const withHeader = await fetch(ticket.new_presigned_url, {
      method: 'PUT',
      body: bytes('from the SDK'),
      headers: { 'Content-Type': 'text/plain', 'x-ms-blob-type': 'BlockBlob' },
    });
    expect(withHeader.status).toBe(201);

    await harness.write('hoist.txt', 'from Hoist');
    const summary = await harness.runOnce();
    expect(summary.uploaded).toBe(1);
    expect(summary.problems).toEqual([]);
    expect(harness.count('object.azure-put')).toBe(3);
    const listed = await listAll(client, 50);
    expect(listed.items.map((item) => [item.filename, item.md5]).sort()).toEqual([
      ['hoist.txt', md5('from Hoist')],
      ['sdk.txt', md5('from the SDK')],
    ]);
  });
});
