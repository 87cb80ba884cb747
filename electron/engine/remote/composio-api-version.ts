import type { HttpClient, HttpRequest, HttpResponse } from './http-client.js';

/** The Composio API versions Hoist speaks, newest first: it asks the first and falls back. */
export const COMPOSIO_API_VERSIONS = ['v3.1', 'v3'] as const;
export type ComposioApiVersion = (typeof COMPOSIO_API_VERSIONS)[number];

/**
 * Which Composio API version a server speaks, learnt from the first answer and remembered for the
 * provider's life. Hoist asks v3.1 (the current spec, the one Composio's own client calls) and falls
 * back to v3 only when the v3.1 route is not there: a 404 of the route, not a 404 a route gives about
 * a thing (see isMissingRoute). Until one answered, every call tries v3.1 first.
 */
export class ComposioApiVersions {
  private known: ComposioApiVersion | null = null;

  constructor(
    private readonly http: HttpClient,
    private readonly base: string,
  ) {}

  /** The version answers came from, once one did. */
  get version(): ComposioApiVersion | null {
    return this.known;
  }

  /**
   * Sends the request to `/api/{version}/{path(version)}` and parses the JSON answer, trying the
   * versions in order while the route is missing. `path` may differ per version (page sizes do).
   */
  async requestJson(
    path: (version: ComposioApiVersion) => string,
    request: Omit<HttpRequest, 'url' | 'classify'>,
  ): Promise<{ answer: unknown; version: ComposioApiVersion }> {
    const candidates = this.known !== null ? [this.known] : COMPOSIO_API_VERSIONS;
    for (const [index, version] of candidates.entries()) {
      const isLast = index === candidates.length - 1;
      let routeMissing = false;
      try {
        const answer = await this.http.requestJson({
          ...request,
          url: `${this.base}/api/${version}/${path(version)}`,
          classify: (failed) => {
            routeMissing = !isLast && isMissingRoute(failed);
            return undefined;
          },
        });
        this.known = version;
        return { answer, version };
      } catch (error) {
        if (!routeMissing) throw error;
      }
    }
    // Unreachable: the last candidate's failure is always thrown above.
    throw new Error('No Composio API version answered');
  }
}

/**
 * Whether a 404 says the route does not exist (a server that predates v3.1) rather than something
 * the route looked for. A router's own 404 has no body, a text or HTML page, JSON without Composio's
 * `error.slug`, or a slug about routes (the reference remote's `Route_NotFound`); a route's answer
 * about a thing names it (`File_NotFound`, `Toolkit_NotFound`) and must not be mistaken for an old
 * server. Composio does not document its router's 404: this rule is ours (docs/reference-remote.md).
 */
export function isMissingRoute(response: HttpResponse): boolean {
  if (response.status !== 404) return false;
  const slug = composioErrorSlug(response.text);
  return slug === null || /route|endpoint|^not[_ -]?found$/i.test(slug);
}

function composioErrorSlug(text: string): string | null {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return null;
  }
  const error = (body as { error?: unknown } | null)?.error;
  if (error === null || typeof error !== 'object') return null;
  const slug = (error as { slug?: unknown }).slug;
  return typeof slug === 'string' && slug !== '' ? slug : null;
}
