import { createHash } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { http } from '../support/http.js';
import {
  ALLOY_ERROR_SCHEMA,
  ALLOY_LIST_SCHEMA,
  ALLOY_UPLOAD_REQUEST_SCHEMA,
  COMPOSIO_ERROR_SCHEMA,
  COMPOSIO_LIST_SCHEMA,
  COMPOSIO_UPLOAD_REQUEST_SCHEMA,
  COMPOSIO_V31_UPLOAD_REQUEST_SCHEMA,
  OPENWEBUI_ERROR_SCHEMA,
  SEED_FILES,
  extractOpenApiBlock,
  openApiResponseSchema,
  openApiToJsonSchema,
  openWebUiFileSchema,
  openWebUiListSchema,
  readSeed,
  schemaErrors,
} from '../support/seed-schemas.js';
import { TEST_USERS, startTestServer, type TestServer } from '../support/test-server.js';

const md5Hex = (body: string | Buffer): string => createHash('md5').update(body).digest('hex');
const md5Base64 = (body: string | Buffer): string => createHash('md5').update(body).digest('base64');
const sha256Hex = (body: string | Buffer): string => createHash('sha256').update(body).digest('hex');

/** The `example` the seed's OpenAPI block gives for a 200 response. */
function seedExample(seedFile: string): unknown {
  const { method, path, document } = extractOpenApiBlock(readSeed(seedFile));
  const paths = (document as { paths: Record<string, Record<string, unknown>> }).paths;
  const operation = paths[path]?.[method] as {
    responses: Record<string, { content: Record<string, { example: unknown }> }>;
  };
  return operation.responses['200']?.content['application/json']?.example;
}

/** The JSON arrays Open WebUI's page (seed 003) shows after each "Response" heading. */
function openWebUiSeedExamples(): unknown[] {
  const text = readSeed(SEED_FILES.openWebUiList);
  return [...text.matchAll(/^Response\n(\[\n[\s\S]*?\n\])$/gm)].map((match) => JSON.parse(match[1] ?? ''));
}

const clone = <T>(value: T): T => structuredClone(value);

describe('seed schemas: extracted and converted strictly enough to catch a broken response', () => {
  it('finds the OpenAPI operation each Alloy seed documents', () => {
    expect(openApiResponseSchema(SEED_FILES.alloyList)).toMatchObject({
      method: 'get',
      path: '/connectors/files/list',
    });
    expect(openApiResponseSchema(SEED_FILES.alloyUploadRequest)).toMatchObject({
      method: 'post',
      path: '/connectors/files/upload/request',
    });
    // OpenAPI-only keywords are gone (ajv's strict mode would have refused to compile them anyway).
    expect(JSON.stringify(ALLOY_LIST_SCHEMA)).not.toContain('"example"');
    expect(JSON.stringify(ALLOY_UPLOAD_REQUEST_SCHEMA)).not.toContain('"example"');
    expect(() => extractOpenApiBlock(readSeed(SEED_FILES.composioList))).toThrow(/no ```yaml/);
  });

  it('accepts the Alloy seeds’ own examples and rejects a missing or mistyped field', () => {
    const list = seedExample(SEED_FILES.alloyList) as { files: Array<Record<string, unknown>> };
    expect(list.files).toHaveLength(1);
    expect(schemaErrors(ALLOY_LIST_SCHEMA, list)).toEqual([]);
    for (const field of ['s3Key', 'filename', 'size', 'lastModified']) {
      const missing = clone(list);
      delete missing.files[0]?.[field];
      expect(schemaErrors(ALLOY_LIST_SCHEMA, missing), `without ${field}`).not.toEqual([]);
    }
    const sizeAsText = clone(list);
    (sizeAsText.files[0] as Record<string, unknown>).size = '13264';
    expect(schemaErrors(ALLOY_LIST_SCHEMA, sizeAsText)).not.toEqual([]);
    const notADate = clone(list);
    (notADate.files[0] as Record<string, unknown>).lastModified = 'yesterday';
    expect(schemaErrors(ALLOY_LIST_SCHEMA, notADate)).not.toEqual([]);
    expect(schemaErrors(ALLOY_LIST_SCHEMA, {})).not.toEqual([]);

    const ticket = seedExample(SEED_FILES.alloyUploadRequest) as {
      presignedUrl: Record<string, unknown>;
    };
    expect(schemaErrors(ALLOY_UPLOAD_REQUEST_SCHEMA, ticket)).toEqual([]);
    for (const field of ['md5', 'presignedUrl', 'type', 's3Key']) {
      const missing = clone(ticket);
      delete missing.presignedUrl[field];
      expect(schemaErrors(ALLOY_UPLOAD_REQUEST_SCHEMA, missing), `without ${field}`).not.toEqual([]);
    }
    const unknownType = clone(ticket);
    unknownType.presignedUrl.type = 'update';
    expect(schemaErrors(ALLOY_UPLOAD_REQUEST_SCHEMA, unknownType)).not.toEqual([]);
    expect(schemaErrors(ALLOY_UPLOAD_REQUEST_SCHEMA, ticket.presignedUrl)).not.toEqual([]);
  });

  it('converts OpenAPI nullable into a null alternative and drops example', () => {
    const schema = openApiToJsonSchema(
      {
        type: 'object',
        properties: {
          cursor: { type: 'string', nullable: true, example: 'abc' },
          kind: { type: 'string', enum: ['a'], nullable: true },
          count: { type: 'number' },
        },
      },
      { requireDeclared: true },
    );
    expect(schema.required).toEqual(['cursor', 'kind', 'count']);
    expect(schemaErrors(schema, { cursor: null, kind: null, count: 1 })).toEqual([]);
    expect(schemaErrors(schema, { cursor: 'x', kind: 'a', count: 1 })).toEqual([]);
    expect(schemaErrors(schema, { cursor: 1, kind: 'a', count: 1 })).not.toEqual([]);
    expect(schemaErrors(schema, { cursor: 'x', kind: 'b', count: 1 })).not.toEqual([]);
    expect(schemaErrors(schema, { cursor: 'x', kind: 'a', count: null })).not.toEqual([]);
  });

  it('matches the transcribed Composio schemas against seed 002’s example and error fields', () => {
    const text = readSeed(SEED_FILES.composioList);
    const example = JSON.parse(
      /\*\*Example Response:\*\*\s*```json\n([\s\S]*?)\n```/.exec(text)?.[1] ?? '',
    ) as {
      items: Array<Record<string, unknown>>;
      total_items?: unknown;
    };
    expect(schemaErrors(COMPOSIO_LIST_SCHEMA, example)).toEqual([]);
    const noTotal = clone(example);
    delete noTotal.total_items;
    expect(schemaErrors(COMPOSIO_LIST_SCHEMA, noTotal)).not.toEqual([]);
    const noMd5 = clone(example);
    delete noMd5.items[0]?.md5;
    expect(schemaErrors(COMPOSIO_LIST_SCHEMA, noMd5)).not.toEqual([]);
    expect(schemaErrors(COMPOSIO_LIST_SCHEMA, { ...example, next_cursor: 2 })).not.toEqual([]);

    const error = { error: { message: 'x', code: 400, slug: 'Bad', status: 400, request_id: 'r' } };
    expect(schemaErrors(COMPOSIO_ERROR_SCHEMA, error)).toEqual([]);
    expect(schemaErrors(COMPOSIO_ERROR_SCHEMA, { error: { ...error.error, code: '400' } })).not.toEqual([]);
    expect(
      schemaErrors(COMPOSIO_ERROR_SCHEMA, { error: { message: 'x', code: 400, status: 400 } }),
    ).not.toEqual([]);
    // Every field the transcription requires is marked *(required)* in the seed's 400 section.
    const errorSection = /#### 400 - Bad request([\s\S]*?)####/.exec(text)?.[1] ?? '';
    for (const field of ['message', 'code', 'slug', 'status']) {
      expect(errorSection).toMatch(new RegExp(`\`${field}\` \\(\\w+\\) \\*\\(required\\)\\*`));
    }
  });

  it('matches the transcribed Open WebUI schema against seed 003’s example responses', () => {
    const [withContent, withoutContent] = openWebUiSeedExamples() as [
      Array<Record<string, unknown>>,
      Array<Record<string, unknown>>,
    ];
    expect(withContent).toHaveLength(2);
    expect(withoutContent).toHaveLength(1);
    expect(schemaErrors(openWebUiListSchema(true), withContent)).toEqual([]);
    expect(schemaErrors(openWebUiListSchema(false), withoutContent)).toEqual([]);
    expect(schemaErrors(openWebUiListSchema(false), withContent)).not.toEqual([]);
    expect(schemaErrors(openWebUiListSchema(true), withoutContent)).not.toEqual([]);
    for (const field of ['id', 'filename', 'user_id', 'meta', 'data', 'created_at', 'updated_at']) {
      const missing = clone(withContent);
      delete missing[0]?.[field];
      expect(schemaErrors(openWebUiListSchema(true), missing), `without ${field}`).not.toEqual([]);
    }
    const sizeAsText = clone(withContent) as Array<{ meta: Record<string, unknown> }>;
    (sizeAsText[0] as { meta: Record<string, unknown> }).meta.size = '153600';
    expect(schemaErrors(openWebUiListSchema(true), sizeAsText)).not.toEqual([]);
    // The page's first snippet wraps the list in {"files": [...]}; the documented response is the array.
    expect(schemaErrors(openWebUiListSchema(true), { files: withContent })).not.toEqual([]);
  });
});

describe('contract: the reference server answers what the seeds document', () => {
  let remote: TestServer;
  beforeEach(async () => {
    // Open WebUI processing completes at once, so an upload answers with its text as the seed shows.
    remote = await startTestServer({ openWebUiProcessingMs: 0 });
  });
  afterEach(async () => {
    await remote.close();
  });

  const userId = (name: string): string => {
    const user = remote.server.users.find((candidate) => candidate.name === name);
    if (!user) throw new Error(`no user ${name}`);
    return user.id;
  };

  describe('Alloy (seeds 000, 001, 004)', () => {
    const headers = (token: string = TEST_USERS.alice.token): Record<string, string> => ({
      authorization: `Bearer ${token}`,
      'x-api-version': '2025-09',
      'content-type': 'application/json',
    });

    it('upload/request and list validate against the seed schemas and API.md’s facts', async () => {
      const body = Buffer.from('%PDF-1.4 a small report\n');
      const requestedHex = md5Hex(body).toUpperCase();
      const started = Date.now();
      const response = await http(`${remote.url}/connectors/files/upload/request`, {
        method: 'POST',
        headers: headers(),
        body: JSON.stringify({ filename: 'report.pdf', mimeType: 'application/pdf', md5: requestedHex }),
      });
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toMatch(/^application\/json/);
      const payload = response.json();
      expect(schemaErrors(ALLOY_UPLOAD_REQUEST_SCHEMA, payload)).toEqual([]);
      const ticket = (payload as { presignedUrl: Record<string, string> }).presignedUrl as {
        md5: string;
        presignedUrl: string;
        type: string;
        s3Key: string;
      };
      // md5 is the base64 of the requested (hex, any case) digest.
      expect(ticket.md5).toBe(Buffer.from(requestedHex, 'hex').toString('base64'));
      expect(ticket.md5).toHaveLength(24);
      expect(ticket.type).toBe('new');
      // s3Key: {24-hex userId}_{sanitized filename}.
      expect(userId('alice')).toMatch(/^[0-9a-f]{24}$/);
      expect(ticket.s3Key).toBe(`${userId('alice')}_report.pdf`);
      expect(new URL(ticket.presignedUrl).origin).toBe(remote.url);

      const put = await http(ticket.presignedUrl, {
        method: 'PUT',
        headers: { 'content-type': 'application/pdf', 'content-md5': ticket.md5 },
        body,
      });
      expect(put.status).toBe(200);

      const list = await http(`${remote.url}/connectors/files/list`, { headers: headers() });
      expect(list.status).toBe(200);
      expect(list.headers.get('content-type')).toMatch(/^application\/json/);
      const listed = list.json();
      expect(schemaErrors(ALLOY_LIST_SCHEMA, listed)).toEqual([]);
      const [file, ...others] = (listed as { files: Array<Record<string, unknown>> }).files;
      expect(others).toEqual([]);
      expect(file).toMatchObject({ s3Key: ticket.s3Key, filename: 'report.pdf', size: body.length });
      // The filename carries no user prefix; lastModified is an ISO 8601 date-time of the upload.
      expect(String(file?.filename)).not.toContain(userId('alice'));
      const lastModified = String(file?.lastModified);
      expect(new Date(lastModified).toISOString()).toBe(lastModified);
      expect(Date.parse(lastModified)).toBeGreaterThanOrEqual(started - 1000);
      expect(Date.parse(lastModified)).toBeLessThanOrEqual(Date.now() + 1000);
    });

    it('echoes a base64 md5 unchanged and keeps md5 base64 when asked in lowercase hex', async () => {
      const body = 'base64 please';
      for (const md5 of [md5Base64(body), md5Hex(body)]) {
        const response = await http(`${remote.url}/2025-09/connectors/files/upload/request`, {
          method: 'POST',
          headers: headers(),
          body: JSON.stringify({ filename: 'b.txt', mimeType: 'text/plain', md5 }),
        });
        expect(response.status).toBe(200);
        expect(schemaErrors(ALLOY_UPLOAD_REQUEST_SCHEMA, response.json())).toEqual([]);
        expect(response.json<{ presignedUrl: { md5: string } }>().presignedUrl.md5).toBe(md5Base64(body));
      }
    });

    it('answers errors with a JSON body naming what went wrong', async () => {
      const noToken = await http(`${remote.url}/connectors/files/list`, {
        headers: { 'x-api-version': '2025-09' },
      });
      expect(noToken.status).toBe(401);
      expect(schemaErrors(ALLOY_ERROR_SCHEMA, noToken.json())).toEqual([]);
      const badMd5 = await http(`${remote.url}/connectors/files/upload/request`, {
        method: 'POST',
        headers: headers(),
        body: JSON.stringify({ filename: 'a.txt', mimeType: 'text/plain', md5: 'nope' }),
      });
      expect(badMd5.status).toBe(400);
      expect(schemaErrors(ALLOY_ERROR_SCHEMA, badMd5.json())).toEqual([]);
      expect(badMd5.json<{ error: { message: string } }>().error.message).toMatch(/md5/);
    });
  });

  // v3 (seed 002, API.md §2) and v3.1 (the spec @composio/client is generated from) on one server.
  describe.each(['v3', 'v3.1'] as const)('Composio %s (seed 002, API.md §2)', (version) => {
    const api = `/api/${version}/files`;
    const ticketSchema =
      version === 'v3' ? COMPOSIO_UPLOAD_REQUEST_SCHEMA : COMPOSIO_V31_UPLOAD_REQUEST_SCHEMA;
    const headers = (key: string = TEST_USERS.alice.token): Record<string, string> => ({
      'x-api-key': key,
      'content-type': 'application/json',
    });
    const requestUpload = (filename: string, body: string, toolkit = 'files', tool = 'store') =>
      http(`${remote.url}${api}/upload/request`, {
        method: 'POST',
        headers: headers(),
        body: JSON.stringify({
          toolkit_slug: toolkit,
          tool_slug: tool,
          filename,
          mimetype: 'text/plain',
          md5: md5Hex(body),
        }),
      });

    it('upload/request answers in the documented shapes (v3: new, existing, update; v3.1: new every time); list matches seed 002', async () => {
      const fresh = await requestUpload('a.txt', 'first');
      expect(fresh.status).toBe(200);
      expect(schemaErrors(ticketSchema, fresh.json())).toEqual([]);
      const ticket = fresh.json<{ type: string; key: string; new_presigned_url: string }>();
      expect(ticket.type).toBe('new');
      const put = await http(ticket.new_presigned_url, {
        method: 'PUT',
        headers: { 'content-type': 'text/plain', 'content-md5': md5Base64('first') },
        body: 'first',
      });
      expect(put.status).toBe(200);

      const same = await requestUpload('a.txt', 'first');
      expect(schemaErrors(ticketSchema, same.json())).toEqual([]);
      const existing = same.json<{ type: string; key: string; existing_url: string }>();
      expect(existing).toMatchObject({ type: version === 'v3' ? 'existing' : 'new', key: ticket.key });
      if (version === 'v3') {
        const download = await http(existing.existing_url);
        expect(download.status).toBe(200);
        expect(download.text).toBe('first');
      }

      const changed = await requestUpload('a.txt', 'second');
      expect(schemaErrors(ticketSchema, changed.json())).toEqual([]);
      expect(changed.json()).toMatchObject({ type: version === 'v3' ? 'update' : 'new', key: ticket.key });

      const other = await requestUpload('b.txt', 'other');
      const otherUrl = other.json<{ new_presigned_url: string }>().new_presigned_url;
      expect(
        (
          await http(otherUrl, {
            method: 'PUT',
            headers: { 'content-type': 'text/plain', 'content-md5': md5Base64('other') },
            body: 'other',
          })
        ).status,
      ).toBe(200);

      const page1 = await http(`${remote.url}${api}/list?limit=1`, { headers: headers() });
      expect(page1.status).toBe(200);
      expect(schemaErrors(COMPOSIO_LIST_SCHEMA, page1.json())).toEqual([]);
      const first = page1.json<{ items: unknown[]; next_cursor: string | null }>();
      expect(first).toMatchObject({
        items: [
          {
            toolkit_slug: 'files',
            tool_slug: 'store',
            filename: 'a.txt',
            mimetype: 'text/plain',
            md5: md5Hex('first'),
          },
        ],
        total_pages: 2,
        current_page: 1,
        total_items: 2,
      });
      expect(typeof first.next_cursor).toBe('string');
      const page2 = await http(
        `${remote.url}${api}/list?cursor=${encodeURIComponent(first.next_cursor ?? '')}`,
        { headers: headers() },
      );
      expect(schemaErrors(COMPOSIO_LIST_SCHEMA, page2.json())).toEqual([]);
      expect(page2.json()).toMatchObject({
        items: [{ filename: 'b.txt', md5: md5Hex('other') }],
        next_cursor: null,
        current_page: 2,
      });
    });

    it('answers errors with message, numeric code, slug, status and request_id', async () => {
      const cases = [
        { status: 401, response: await http(`${remote.url}${api}/list`) },
        {
          status: 401,
          response: await http(`${remote.url}${api}/list`, { headers: headers('wrong-key-123') }),
        },
        {
          status: 400,
          response: await http(`${remote.url}${api}/upload/request`, {
            method: 'POST',
            headers: headers(),
            body: JSON.stringify({
              toolkit_slug: 'a',
              tool_slug: 'b',
              filename: 'c',
              mimetype: 'text/plain',
              md5: 'x',
            }),
          }),
        },
        {
          status: 400,
          response: await http(`${remote.url}${api}/list?limit=5000`, { headers: headers() }),
        },
      ];
      for (const { status, response } of cases) {
        expect(response.status).toBe(status);
        const body = response.json();
        expect(schemaErrors(COMPOSIO_ERROR_SCHEMA, body)).toEqual([]);
        const error = (body as { error: Record<string, unknown> }).error;
        expect(error).toMatchObject({ status, code: expect.any(Number), slug: expect.any(String) });
        expect(String(error.message)).not.toBe('');
        expect(error.request_id).toMatch(/^\S+$/);
      }
    });
  });

  describe('Open WebUI (seed 003, API.md §3)', () => {
    const auth = (token: string = TEST_USERS.alice.token): Record<string, string> => ({
      authorization: `Bearer ${token}`,
    });
    const upload = async (filename: string, text: string, base = '/api/v1/files/') => {
      const form = new FormData();
      form.append('file', new Blob([text], { type: 'text/plain' }), filename);
      form.append('metadata', JSON.stringify({ file_hash: sha256Hex(text) }));
      return http(`${remote.url}${base}`, { method: 'POST', headers: auth(), body: form });
    };

    it('upload, list, search and get return file objects of the documented shape', async () => {
      const uploaded = await upload('notes.txt', 'some notes');
      expect(uploaded.status).toBe(200);
      expect(schemaErrors(openWebUiFileSchema(true), uploaded.json())).toEqual([]);
      const file = uploaded.json<{ id: string; user_id: string; meta: Record<string, unknown> }>();
      expect(file).toMatchObject({
        filename: 'notes.txt',
        user_id: userId('alice'),
        path: `${file.id}_notes.txt`,
        hash: sha256Hex('some notes'),
        data: { status: 'completed', content: 'some notes' },
        meta: { name: 'notes.txt', content_type: 'text/plain', size: 10, file_hash: sha256Hex('some notes') },
      });
      const second = await upload('other.md', '# other', '/api/files');
      expect(second.status).toBe(200);
      expect(schemaErrors(openWebUiFileSchema(true), second.json())).toEqual([]);

      for (const base of ['/api/v1/files/', '/api/files']) {
        const list = await http(`${remote.url}${base}`, { headers: auth() });
        expect(list.status).toBe(200);
        expect(schemaErrors(openWebUiListSchema(true), list.json())).toEqual([]);
        expect(
          list
            .json<Array<{ filename: string }>>()
            .map((item) => item.filename)
            .sort(),
        ).toEqual(['notes.txt', 'other.md']);
      }
      const bare = await http(`${remote.url}/api/v1/files/?content=false`, { headers: auth() });
      expect(schemaErrors(openWebUiListSchema(false), bare.json())).toEqual([]);

      const search = await http(`${remote.url}/api/v1/files/search?filename=*.txt`, { headers: auth() });
      expect(search.status).toBe(200);
      expect(schemaErrors(openWebUiListSchema(true), search.json())).toEqual([]);
      expect(search.json<Array<{ id: string }>>().map((item) => item.id)).toEqual([file.id]);

      const got = await http(`${remote.url}/api/v1/files/${file.id}`, { headers: auth() });
      expect(got.status).toBe(200);
      expect(schemaErrors(openWebUiFileSchema(true), got.json())).toEqual([]);
      expect(got.json()).toEqual(uploaded.json());
    });

    it('answers errors with a detail', async () => {
      const noToken = await http(`${remote.url}/api/v1/files/`);
      expect(noToken.status).toBe(401);
      expect(schemaErrors(OPENWEBUI_ERROR_SCHEMA, noToken.json())).toEqual([]);
      const wrongToken = await http(`${remote.url}/api/v1/files/`, { headers: auth('not-a-real-token') });
      expect(wrongToken.status).toBe(401);
      expect(schemaErrors(OPENWEBUI_ERROR_SCHEMA, wrongToken.json())).toEqual([]);
      const missing = await http(`${remote.url}/api/v1/files/00000000-0000-4000-8000-000000000000`, {
        headers: auth(),
      });
      expect(missing.status).toBe(404);
      expect(schemaErrors(OPENWEBUI_ERROR_SCHEMA, missing.json())).toEqual([]);
      // An empty search result is a 404, not an empty array.
      const none = await http(`${remote.url}/api/v1/files/search?filename=*.none`, { headers: auth() });
      expect(none.status).toBe(404);
      expect(schemaErrors(OPENWEBUI_ERROR_SCHEMA, none.json())).toEqual([]);
    });
  });
});
