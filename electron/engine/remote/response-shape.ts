import type { z } from 'zod';
import type { SyncError } from '../sync-error.js';
import type { HttpClient } from './http-client.js';

/** Checks a parsed answer against the shape the dialect promises; a mismatch is a clear SyncError. */
export function expectShape<Schema extends z.ZodType>(
  http: HttpClient,
  schema: Schema,
  value: unknown,
  action: string,
): z.infer<Schema> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const problems = result.error.issues
    .slice(0, 3)
    .map((issue) => `${issue.path.length > 0 ? issue.path.join('.') : '(root)'}: ${issue.message}`)
    .join('; ');
  const error: SyncError = http.unexpectedShape({ action }, problems);
  throw error;
}
