import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import busboy from 'busboy';
import { describe, expect, it } from 'vitest';
import { HttpClient } from '../../electron/engine/remote/http-client.js';
import { multipartBody } from '../../electron/engine/remote/multipart-body.js';

async function collect(body: AsyncIterable<Uint8Array> | Uint8Array): Promise<Buffer> {
  if (body instanceof Uint8Array) return Buffer.from(body);
  const chunks: Buffer[] = [];
  for await (const chunk of body) chunks.push(Buffer.from(chunk));
  return Buffer.concat(chunks);
}

async function* chunks(bytes: Buffer, size: number): AsyncGenerator<Uint8Array> {
  for (let offset = 0; offset < bytes.length; offset += size) yield bytes.subarray(offset, offset + size);
}

describe('multipartBody', () => {
  it('announces exactly the bytes it yields', async () => {
    const file = Buffer.from('héllo wörld\r\n--not-a-boundary\r\n'.repeat(100));
    const multipart = multipartBody([{ name: 'metadata', value: '{"file_hash":"ab"}' }], {
      name: 'file',
      filename: 'docs∕naïve "quoted".txt',
      contentType: 'text/plain',
      size: file.length,
      body: chunks(file, 7),
    });
    const bytes = await collect(multipart.body);
    expect(bytes.length).toBe(multipart.contentLength);
    expect(multipart.contentType).toMatch(/^multipart\/form-data; boundary=----HoistBoundary[0-9a-f]{32}$/);
    expect(bytes.toString('utf8')).toContain('filename="docs∕naïve %22quoted%22.txt"');
  });

  it('makes one buffer of the whole form when the file comes as one buffer, the same bytes as streamed', async () => {
    const file = Buffer.from('a small file, held whole\r\n'.repeat(50));
    const part = { name: 'file', filename: 'small.txt', contentType: 'text/plain', size: file.length };
    const boundary = '----HoistBoundaryfixed';
    const whole = multipartBody([{ name: 'metadata', value: '{}' }], { ...part, body: file }, boundary);
    const streamed = multipartBody(
      [{ name: 'metadata', value: '{}' }],
      { ...part, body: chunks(file, 9) },
      boundary,
    );
    expect(whole.body).toBeInstanceOf(Uint8Array);
    expect(Buffer.from(whole.body as Uint8Array)).toEqual(await collect(streamed.body));
    expect((whole.body as Uint8Array).length).toBe(whole.contentLength);
  });

  it('is parsed by a real multipart parser into the same fields and bytes, over real HTTP', async () => {
    const file = Buffer.alloc(300_000);
    for (let index = 0; index < file.length; index++) file[index] = (index * 31) % 256;
    const received: { fields: Record<string, string>; filename?: string; mimeType?: string; bytes?: Buffer } =
      {
        fields: {},
      };
    const server = createServer((req, res) => {
      const parser = busboy({ headers: req.headers, defParamCharset: 'utf8' });
      parser.on('field', (name, value) => {
        received.fields[name] = value;
      });
      parser.on('file', (_name, stream, info) => {
        received.filename = info.filename;
        received.mimeType = info.mimeType;
        void collect(stream).then((bytes) => {
          received.bytes = bytes;
        });
      });
      parser.on('close', () => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(
          JSON.stringify({
            length: req.headers['content-length'],
            chunked: req.headers['transfer-encoding'],
          }),
        );
      });
      req.pipe(parser);
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const client = new HttpClient({ label: 'Open WebUI' });
    try {
      const multipart = multipartBody([{ name: 'metadata', value: '{"file_hash":"abc"}' }], {
        name: 'file',
        filename: 'Grüße∕report.bin',
        contentType: 'application/octet-stream',
        size: file.length,
        body: chunks(file, 65_536),
      });
      const answer = await client.requestJson({
        method: 'POST',
        url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v1/files/`,
        action: 'upload',
        headers: { 'content-type': multipart.contentType, 'content-length': String(multipart.contentLength) },
        body: multipart.body,
      });
      expect(answer).toEqual({ length: String(multipart.contentLength) });
      expect(received.fields).toEqual({ metadata: '{"file_hash":"abc"}' });
      expect(received.filename).toBe('Grüße∕report.bin');
      expect(received.mimeType).toBe('application/octet-stream');
      expect(received.bytes?.equals(file)).toBe(true);
    } finally {
      await client.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});
