import { createHash } from 'node:crypto';
import { TEST_USERS } from './test-server.js';

/** The headers every Alloy-dialect request of a test carries (API.md §1), for `token`'s user. */
export const alloyHeaders = (token: string = TEST_USERS.alice.token): Record<string, string> => ({
  authorization: `Bearer ${token}`,
  'x-api-version': '2025-09',
  'content-type': 'application/json',
});

/** The MD5 of a test body, hex, as an upload request names it. */
export const md5Hex = (body: string | Buffer): string => createHash('md5').update(body).digest('hex');
