import { randomBytes } from 'node:crypto';

/**
 * A multipart/form-data body built as a stream: the small fields, then one file part whose bytes come
 * from an async iterable, never held in memory. Its length is exact (the file's size is known), so it
 * goes out with a Content-Length rather than chunked.
 */
export interface MultipartFilePart {
  /** The form field name, e.g. `file`. */
  name: string;
  filename: string;
  contentType: string;
  /** Exact byte length of what `body` yields. */
  size: number;
  /** Streamed, or one buffer (a small file): then the whole form is one buffer too. */
  body: AsyncIterable<Uint8Array> | Uint8Array;
}

export interface MultipartBody {
  /** `multipart/form-data; boundary=…` */
  contentType: string;
  contentLength: number;
  body: AsyncIterable<Uint8Array> | Uint8Array;
}

const CRLF = '\r\n';

export function multipartBody(
  fields: ReadonlyArray<{ name: string; value: string }>,
  file: MultipartFilePart,
  boundary = `----HoistBoundary${randomBytes(16).toString('hex')}`,
): MultipartBody {
  const head = Buffer.from(
    [
      ...fields.map(
        (field) =>
          `--${boundary}${CRLF}Content-Disposition: form-data; name="${quoteParam(field.name)}"${CRLF}${CRLF}${field.value}${CRLF}`,
      ),
      `--${boundary}${CRLF}`,
      `Content-Disposition: form-data; name="${quoteParam(file.name)}"; filename="${quoteParam(file.filename)}"${CRLF}`,
      `Content-Type: ${file.contentType.replace(/[\r\n]/g, '')}${CRLF}${CRLF}`,
    ].join(''),
    'utf8',
  );
  const tail = Buffer.from(`${CRLF}--${boundary}--${CRLF}`, 'utf8');
  for (const field of fields) {
    if (field.value.includes(`--${boundary}`))
      throw new Error(`multipart field ${field.name} contains the boundary`);
  }
  const fileBody = file.body;
  return {
    contentType: `multipart/form-data; boundary=${boundary}`,
    contentLength: head.length + file.size + tail.length,
    body:
      fileBody instanceof Uint8Array
        ? Buffer.concat([head, fileBody, tail])
        : (async function* parts(): AsyncGenerator<Uint8Array> {
            yield head;
            yield* fileBody;
            yield tail;
          })(),
  };
}

/**
 * A name or filename inside a quoted parameter, as browsers write it (HTML's multipart/form-data
 * encoding): UTF-8 as is, with `"`, CR and LF percent-encoded so they cannot end the parameter.
 */
function quoteParam(text: string): string {
  return text.replace(/"/g, '%22').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}
