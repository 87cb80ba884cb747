import type { z } from 'zod';
import type { HttpClient, HttpRequest, StreamedResponse } from './http-client.js';
import { JsonShapeError, JsonSyntaxError, readJsonArray } from './json-array-stream.js';
import { LISTING_BATCH, MAX_LISTED_FILE_BYTES, MAX_LISTED_FILES } from './provider-helpers.js';

/**
 * An unpaged listing (Alloy's `{"files": [...]}`, Open WebUI's top-level array) read from its
 * streamed answer: each entry converted as it arrives and handed over in batches, so memory stays
 * flat however long the list. A body that is not JSON, or not of the listing's shape, becomes the
 * SyncError `parseJson` or `expectShape` would give, naming where: "files[12].s3Key is missing".
 * The response is cancelled however this ends.
 */
export async function readUnpagedListing<T>(
  http: HttpClient,
  request: Pick<HttpRequest, 'action' | 'method' | 'url'>,
  response: StreamedResponse,
  member: string | null,
  convert: (value: unknown, index: number) => T,
  onBatch: (items: T[]) => void | Promise<void>,
): Promise<number> {
  try {
    return await readJsonArray(
      response.body,
      {
        member,
        maxElements: MAX_LISTED_FILES,
        maxElementBytes: MAX_LISTED_FILE_BYTES,
        batchSize: LISTING_BATCH,
      },
      convert,
      onBatch,
    );
  } catch (error) {
    if (error instanceof JsonSyntaxError) {
      const where = error.position === null ? '' : ` at byte ${error.position}`;
      throw http.notJson(request, response, `not valid JSON${where}: ${error.message}`);
    }
    if (error instanceof JsonShapeError) throw http.unexpectedShape(request, error.message);
    throw error;
  } finally {
    response.cancel();
  }
}

/**
 * One listed entry checked against `schema`; a mismatch is a JsonShapeError naming the field and
 * what is wrong with it, never its value (a server may echo anything): "files[12].s3Key is missing".
 */
export function checkedEntry<Schema extends z.ZodType>(
  schema: Schema,
  value: unknown,
  where: string,
): z.infer<Schema> {
  const result = schema.safeParse(value, { reportInput: true });
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  if (issue === undefined) throw new JsonShapeError(`${where} is not valid`);
  const field =
    where + issue.path.map((part) => (typeof part === 'number' ? `[${part}]` : `.${String(part)}`)).join('');
  throw new JsonShapeError(`${field} ${describeIssue(issue)}`);
}

function describeIssue(issue: z.core.$ZodIssue): string {
  if (issue.code === 'invalid_type') {
    return issue.input === undefined
      ? 'is missing'
      : `should be ${withArticle(issue.expected)}, not ${kindOf(issue.input)}`;
  }
  if (issue.code === 'too_small' && issue.origin === 'string') return 'is empty';
  return `is not valid (${issue.message})`;
}

function withArticle(type: string): string {
  return /^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`;
}

function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  return withArticle(typeof value);
}
