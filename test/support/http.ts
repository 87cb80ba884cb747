/** A response read to the end, with helpers for the JSON and XML the three dialects answer. */
export interface ReadResponse {
  status: number;
  headers: Headers;
  text: string;
  json<T = Record<string, unknown>>(): T;
}

export async function http(
  url: string,
  init: {
    method?: string;
    headers?: Record<string, string>;
    body?: string | Uint8Array | FormData | null;
  } = {},
): Promise<ReadResponse> {
  const response = await fetch(url, {
    method: init.method ?? 'GET',
    headers: init.headers ?? {},
    body: init.body ?? null,
  });
  const text = await response.text();
  return {
    status: response.status,
    headers: response.headers,
    text,
    json: <T>() => JSON.parse(text) as T,
  };
}

/** The `<Code>` of an S3-style XML error body. */
export function s3ErrorCode(text: string): string | null {
  return /<Code>([^<]*)<\/Code>/.exec(text)?.[1] ?? null;
}
