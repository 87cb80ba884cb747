import { createHash } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { http } from '../support/http.js';
import { TEST_USERS, startTestServer, type TestServer } from '../support/test-server.js';

// The reference remote's Open WebUI processing (docs/reference-remote.md): each stored file is
// `pending` for `openWebUiProcessingMs`, then `completed` with its text, or `failed` with a reason.
// The server's clock is the test's, so "later" is a step of a number, not a wait.

interface FileData {
  id: string;
  filename: string;
  data: { status: string; content?: string; error?: string };
}

const auth = { authorization: `Bearer ${TEST_USERS.alice.token}` };

describe('Open WebUI dialect: processing', () => {
  let remote: TestServer | null = null;
  let clock = 1_760_000_000_000;
  afterEach(async () => {
    await remote?.close();
    remote = null;
  });

  const start = async (overrides: Parameters<typeof startTestServer>[0] = {}): Promise<TestServer> => {
    remote = await startTestServer({ openWebUiProcessingMs: 5_000, now: () => clock, ...overrides });
    return remote;
  };

  const upload = async (server: TestServer, filename: string, bytes: string | Buffer, type: string) => {
    const form = new FormData();
    form.append('metadata', JSON.stringify({ file_hash: createHash('sha256').update(bytes).digest('hex') }));
    form.append('file', new Blob([bytes], { type }), filename);
    const response = await http(`${server.url}/api/v1/files/`, { method: 'POST', headers: auth, body: form });
    expect(response.status, response.text).toBe(200);
    return response.json<FileData>();
  };

  const listed = async (server: TestServer, content: boolean): Promise<FileData[]> => {
    const response = await http(`${server.url}/api/v1/files/?content=${content}`, { headers: auth });
    expect(response.status, response.text).toBe(200);
    return response.json<FileData[]>();
  };

  it('answers pending at first, then completed with the extracted text', async () => {
    const server = await start();
    const stored = await upload(server, 'notes.txt', 'hello there\n', 'text/plain');
    expect(stored.data).toEqual({ status: 'pending', content: '' });
    expect((await listed(server, false))[0]?.data).toEqual({ status: 'pending' });

    clock += 4_999;
    expect((await listed(server, false))[0]?.data).toEqual({ status: 'pending' });
    clock += 1;
    expect((await listed(server, false))[0]?.data).toEqual({ status: 'completed' });
    expect((await listed(server, true))[0]?.data).toEqual({ status: 'completed', content: 'hello there\n' });
    const one = await http(`${server.url}/api/v1/files/${stored.id}`, { headers: auth });
    expect(one.json<FileData>().data).toEqual({ status: 'completed', content: 'hello there\n' });
  });

  it('fails a text file that holds binary bytes, with the reason in data.error', async () => {
    const server = await start();
    const bytes = Buffer.concat([Buffer.from('%PDF-1.7\n'), Buffer.from([0, 1, 2, 0, 255])]);
    const stored = await upload(server, 'scan.txt', bytes, 'text/plain');
    expect(stored.data.status).toBe('pending');
    clock += 5_000;
    const [file] = await listed(server, false);
    expect(file?.data).toEqual({
      status: 'failed',
      error: 'scan.txt is sent as text/plain but holds binary data, so no text could be read from it',
    });
    // The file itself is stored whole: only its text could not be read.
    const content = await fetch(`${server.url}/api/v1/files/${stored.id}/content`, { headers: auth });
    expect(Buffer.from(await content.arrayBuffer())).toEqual(bytes);
  });

  it('fails processing where the fault plan says, and completes what it cannot read as text', async () => {
    const server = await start({
      faults: { seed: 1, routes: { 'owui.upload': { processingFailRate: 1 } } },
    });
    await upload(server, 'report.md', '# Report\n', 'text/markdown');
    server.server.faults.set(null);
    // Not text at all: nothing to extract, nothing failed (Open WebUI stores images and the like).
    await upload(server, 'photo.png', Buffer.from([137, 80, 78, 71, 0, 0]), 'image/png');
    clock += 5_000;
    const byName = new Map((await listed(server, false)).map((file) => [file.filename, file.data]));
    expect(byName.get('report.md')).toEqual({
      status: 'failed',
      error: 'Injected fault: text extraction failed for report.md',
    });
    expect(byName.get('photo.png')).toEqual({ status: 'completed' });
  });

  it('completes at once when the delay is zero, as before', async () => {
    const server = await start({ openWebUiProcessingMs: 0 });
    const stored = await upload(server, 'now.txt', 'ready\n', 'text/plain');
    expect(stored.data).toEqual({ status: 'completed', content: 'ready\n' });
  });
});
