import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { http, type ReadResponse } from '../support/http.js';
import { TEST_USERS, startTestServer, type TestServer } from '../support/test-server.js';

const REQUEST = '/connectors/files/upload/request';
const LIST = '/connectors/files/list';
const GOOD_MD5 = createHash('md5').update('body').digest('hex');

interface AlloyError {
  error: { message: string; code: string };
}

/** Checks an Alloy error answer: status, JSON content type and the `{error: {message, code}}` body (ours). */
function expectAlloyError(response: ReadResponse, status: number, code: string): string {
  expect(response.status, response.text).toBe(status);
  expect(response.headers.get('content-type')).toMatch(/^application\/json/);
  const body = response.json<AlloyError>();
  expect(Object.keys(body)).toEqual(['error']);
  expect(body.error.code).toBe(code);
  expect(body.error.message).toEqual(expect.any(String));
  expect(body.error.message.length).toBeGreaterThan(0);
  return body.error.message;
}

describe('Alloy dialect: rejected requests', () => {
  // Every case is refused before anything is stored, so one server serves the whole file.
  let remote: TestServer;
  beforeAll(async () => {
    remote = await startTestServer();
  });
  afterAll(async () => {
    await remote.close();
  });

  const headers = (overrides: Record<string, string | null> = {}): Record<string, string> => {
    const all: Record<string, string | null> = {
      authorization: `Bearer ${TEST_USERS.alice.token}`,
      'x-api-version': '2025-09',
      'content-type': 'application/json',
      ...overrides,
    };
    return Object.fromEntries(
      Object.entries(all).filter((entry): entry is [string, string] => entry[1] !== null),
    );
  };

  const postRaw = (body: string, overrides: Record<string, string | null> = {}, path = REQUEST) =>
    http(`${remote.url}${path}`, { method: 'POST', headers: headers(overrides), body });

  const postFields = (fields: Record<string, unknown>) => postRaw(JSON.stringify(fields));

  describe('authentication', () => {
    const routes = [
      { name: 'upload request', method: 'POST', path: REQUEST, body: JSON.stringify({}) },
      { name: 'list', method: 'GET', path: LIST, body: null },
      { name: 'delete', method: 'DELETE', path: '/connectors/files/someone_x.txt', body: null },
    ];
    for (const route of routes) {
      it(`answers 401 on ${route.name} without a token, with a wrong one or a non-bearer scheme`, async () => {
        for (const authorization of [
          null,
          `Bearer wrong-token-9999`,
          `Basic ${TEST_USERS.alice.token}`,
          'Bearer ',
        ]) {
          const response = await http(`${remote.url}${route.path}`, {
            method: route.method,
            headers: headers({ authorization }),
            body: route.body,
          });
          expectAlloyError(response, 401, 'UNAUTHORIZED');
        }
        // The same request with alice's token gets past authentication.
        const authorized = await http(`${remote.url}${route.path}`, {
          method: route.method,
          headers: headers(),
          body: route.body,
        });
        expect(authorized.status).not.toBe(401);
      });
    }
  });

  describe('API version', () => {
    it('answers 400 when x-api-version is missing, on every route', async () => {
      for (const [method, path] of [
        ['POST', REQUEST],
        ['GET', LIST],
        ['DELETE', '/connectors/files/anything.txt'],
      ] as const) {
        const response = await http(`${remote.url}${path}`, {
          method,
          headers: headers({ 'x-api-version': null }),
          body:
            method === 'POST'
              ? JSON.stringify({ filename: 'a.txt', mimeType: 'text/plain', md5: GOOD_MD5 })
              : null,
        });
        const message = expectAlloyError(response, 400, 'MISSING_API_VERSION');
        expect(message).toContain('x-api-version');
      }
    });

    it('answers 400 for a version other than 2025-09, in the header or in the path', async () => {
      for (const version of ['2024-01', '2025-9', 'latest', '']) {
        const response = await http(`${remote.url}${LIST}`, {
          headers: headers({ 'x-api-version': version }),
        });
        expectAlloyError(response, 400, 'UNSUPPORTED_API_VERSION');
      }
      const wrongPath = await http(`${remote.url}/2024-01${LIST}`, { headers: headers() });
      expectAlloyError(wrongPath, 400, 'UNSUPPORTED_API_VERSION');
      const wrongPathOnly = await http(`${remote.url}/2024-01${LIST}`, {
        headers: headers({ 'x-api-version': null }),
      });
      expectAlloyError(wrongPathOnly, 400, 'UNSUPPORTED_API_VERSION');
      // The header and the path must agree.
      const disagree = await http(`${remote.url}/2025-09${LIST}`, {
        headers: headers({ 'x-api-version': '2024-01' }),
      });
      expectAlloyError(disagree, 400, 'UNSUPPORTED_API_VERSION');
    });
  });

  describe('request body', () => {
    it('answers 400 for malformed JSON and an empty body', async () => {
      for (const body of ['{"filename": "a.txt", ', '{filename: "a.txt"}', "{'a': 1}", 'not json', '']) {
        expectAlloyError(await postRaw(body), 400, 'INVALID_JSON');
      }
    });

    it('answers 400 for JSON that is not an object', async () => {
      for (const body of ['[]', '[{"filename": "a.txt"}]', '"a.txt"', '42', 'true', 'null']) {
        const message = expectAlloyError(await postRaw(body), 400, 'INVALID_JSON');
        expect(message, body).toMatch(/object/i);
      }
    });

    it('answers 400 naming every missing field, and only those', async () => {
      const none = expectAlloyError(await postFields({}), 400, 'MISSING_FIELDS');
      for (const name of ['filename', 'mimeType', 'md5']) expect(none).toContain(name);

      const onlyName = expectAlloyError(await postFields({ filename: 'a.txt' }), 400, 'MISSING_FIELDS');
      expect(onlyName).toContain('mimeType');
      expect(onlyName).toContain('md5');
      expect(onlyName).not.toContain('filename');

      const emptyMd5 = expectAlloyError(
        await postFields({ filename: 'a.txt', mimeType: 'text/plain', md5: '' }),
        400,
        'MISSING_FIELDS',
      );
      expect(emptyMd5).toContain('md5');
      expect(emptyMd5).not.toMatch(/filename|mimeType/);

      // Field names are case-sensitive: mimetype is Composio's spelling, not Alloy's.
      const composioSpelling = expectAlloyError(
        await postFields({ filename: 'a.txt', mimetype: 'text/plain', md5: GOOD_MD5 }),
        400,
        'MISSING_FIELDS',
      );
      expect(composioSpelling).toContain('mimeType');
    });

    it('answers 400 naming fields that are not strings', async () => {
      const message = expectAlloyError(
        await postFields({ filename: 42, mimeType: ['text/plain'], md5: GOOD_MD5 }),
        400,
        'MISSING_FIELDS',
      );
      expect(message).toContain('filename');
      expect(message).toContain('mimeType');
      expect(message).not.toContain('md5');
    });
  });

  describe('field values', () => {
    const bytes16 = createHash('md5').update('x').digest();
    const badMd5s: Array<[string, string]> = [
      ['31 hex characters', GOOD_MD5.slice(1)],
      ['33 hex characters', `${GOOD_MD5}0`],
      ['32 non-hex characters', 'g'.repeat(32)],
      ['hex with a space', ` ${GOOD_MD5.slice(1)}`],
      ['hex with a 0x prefix', `0x${GOOD_MD5.slice(2)}`],
      ['base64 of 15 bytes', bytes16.subarray(0, 15).toString('base64')],
      ['base64 of 17 bytes', Buffer.concat([bytes16, Buffer.from([1])]).toString('base64')],
      ['base64 of 18 bytes (24 characters, no padding)', Buffer.alloc(18, 7).toString('base64')],
      ['base64url of 16 bytes', Buffer.alloc(16, 0xfb).toString('base64url')],
      ['SHA-256 hex', createHash('sha256').update('body').digest('hex')],
    ];
    for (const [name, md5] of badMd5s) {
      it(`answers 400 INVALID_MD5 for ${name}`, async () => {
        const message = expectAlloyError(
          await postFields({ filename: 'a.txt', mimeType: 'text/plain', md5 }),
          400,
          'INVALID_MD5',
        );
        expect(message).toContain('md5');
      });
    }

    const badMimeTypes: Array<[string, string]> = [
      ['no subtype', 'pdf'],
      ['an empty subtype', 'text/'],
      ['an empty type', '/plain'],
      ['two slashes', 'text/plain/extra'],
      ['spaces inside', 'text /plain'],
      ['a CR LF before the parameters', 'text/plain\r\n; charset=utf-8'],
      ['a CR LF header injection in the parameters', 'text/plain; a=b\r\nx-injected: 1'],
      ['a NUL in the parameters', 'text/plain; a=\u0000'],
      ['a character no header can carry', 'text/plain; name=\u20ac'],
    ];
    for (const [name, mimeType] of badMimeTypes) {
      it(`answers 400 INVALID_MIME_TYPE for a mimeType with ${name}`, async () => {
        const message = expectAlloyError(
          await postFields({ filename: 'a.txt', mimeType, md5: GOOD_MD5 }),
          400,
          'INVALID_MIME_TYPE',
        );
        expect(message).toContain('mimeType');
      });
    }

    it('accepts the ordinary mimeTypes a client sends, with parameters', async () => {
      for (const mimeType of [
        'application/pdf',
        'text/plain; charset=utf-8',
        'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
        'image/svg+xml',
        'multipart/x-mixed-replace;boundary="a b"',
      ]) {
        const response = await postFields({ filename: 'ok.bin', mimeType, md5: GOOD_MD5 });
        expect(response.status, `${mimeType}: ${response.text}`).toBe(200);
      }
    });
  });
});
