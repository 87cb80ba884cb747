/**
 * A failure a route wants to answer with. Each dialect renders it in its own error shape
 * (Alloy JSON, Composio JSON, Open WebUI `detail`, S3 XML), so handlers stay dialect-neutral
 * where they share code.
 */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    /** A stable machine-readable code, e.g. `INVALID_MD5` or the S3 `<Code>`. */
    readonly code: string,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

export const badRequest = (code: string, message: string): HttpError => new HttpError(400, code, message);
export const unauthorized = (message: string): HttpError => new HttpError(401, 'UNAUTHORIZED', message);
export const forbidden = (message: string): HttpError => new HttpError(403, 'FORBIDDEN', message);
export const notFound = (message: string): HttpError => new HttpError(404, 'NOT_FOUND', message);
