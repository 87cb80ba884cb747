import { HttpError } from '../http/http-error.js';

/** Composio's error with the extras its body carries (`errors`, `suggested_fix`). */
export class ComposioError extends HttpError {
  constructor(
    status: number,
    slug: string,
    message: string,
    readonly details: string[] = [],
    readonly suggestedFix?: string,
  ) {
    super(status, slug, message);
  }
}

export function invalidCursor(detail?: string): ComposioError {
  return new ComposioError(
    400,
    'Request_InvalidCursor',
    'cursor is not a cursor this API returned',
    detail !== undefined ? [detail] : [],
    'Pass next_cursor from the previous page unchanged',
  );
}

/** Cursor: base64 of `{"page":N,"limit":L}` ("ours"; the docs only say "page and limit"). */
export function encodeCursor(page: number, limit: number): string {
  return Buffer.from(JSON.stringify({ page, limit })).toString('base64');
}

/** The page sizes one API version allows: v3 documents at most 1000, v3.1 at most 50. */
export interface PageSizes {
  max: number;
  default: number;
}

/** The page and page size a list request asks for, from its `cursor` and `limit`. */
export function pageRequest(
  cursor: string | null,
  limitText: string | null,
  sizes: PageSizes,
): { page: number; limit: number } {
  let limit = sizes.default;
  if (limitText !== null && limitText !== '') {
    // Decimal digits only: Number() would also take " 3", "1e2" and "0x10".
    limit = /^[0-9]{1,5}$/.test(limitText) ? Number(limitText) : Number.NaN;
    if (!Number.isInteger(limit) || limit < 1 || limit > sizes.max) {
      throw new ComposioError(
        400,
        'Request_InvalidLimit',
        `limit must be an integer from 1 to ${sizes.max}`,
        [`limit: got ${limitText}`],
      );
    }
  }
  if (cursor === null || cursor === '') return { page: 1, limit };
  const invalid = invalidCursor();
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(cursor, 'base64').toString('utf8'));
  } catch {
    throw invalid;
  }
  const fields = decoded as { page?: unknown; limit?: unknown } | null;
  const page = fields?.page;
  const cursorLimit = fields?.limit;
  if (
    typeof page !== 'number' ||
    typeof cursorLimit !== 'number' ||
    !Number.isInteger(page) ||
    !Number.isInteger(cursorLimit) ||
    page < 1 ||
    cursorLimit < 1 ||
    cursorLimit > sizes.max
  ) {
    throw invalid;
  }
  // The cursor carries its own page size: the pages a client walks must not shift under it.
  return { page, limit: cursorLimit };
}
