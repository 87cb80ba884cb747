import { randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * One browser tab's session, made when a link is used: three secrets, each held by a different part of
 * the browser, so a process that learns one (the cookie, sent by the browser to every port of
 * 127.0.0.1 — RFC 6265 §8.5) cannot use it without the others.
 * - `path`: the page's address (`/s/<path>/`); it crosses HTTP only to this host (no Referer is sent).
 * - `cookie`: HttpOnly, SameSite=Lax, scoped to that path, so the browser sends it nowhere else.
 * - `key`: came in the link's fragment (`#key=…`), which never crosses HTTP; the page keeps it in
 *   sessionStorage and proves it as the bridge's first message.
 */
export interface WebSession {
  path: string;
  cookie: string;
  key: string;
}

/** A link to open: `/login?once=…#key=…`, relative to the host's address. */
export interface SessionLink {
  path: string;
}

// Links are made only by this process (printed at start, and on request in its terminal), so a few
// live ones are plenty; the cap keeps a long run from collecting unused ones.
const MAX_LINKS = 8;
const MAX_SESSIONS = 32;

/** Secrets of 256 bits, base64url: unguessable, and safe in a URL path, query and cookie. */
function secret(): string {
  return randomBytes(32).toString('base64url');
}

/**
 * The links and sessions of one `hoist ui` run. A link's `once` works once: used, it is gone, so a
 * link seen later (a terminal's scrollback, a browser's history) opens nothing.
 */
export class SessionLinks {
  private readonly links = new Map<string, string>(); // once -> key
  private readonly sessions = new Map<string, WebSession>(); // path -> session

  newLink(): SessionLink {
    const once = secret();
    const key = secret();
    this.links.set(once, key);
    while (this.links.size > MAX_LINKS) this.links.delete(this.links.keys().next().value as string);
    return { path: `/login?once=${once}#key=${key}` };
  }

  /** Trades a link's `once` for a new session; null when it is not a live link. Never twice. */
  redeem(once: string): WebSession | null {
    const found = [...this.links.entries()].find(([candidate]) => equalSecrets(candidate, once));
    if (!found) return null;
    this.links.delete(found[0]);
    const session: WebSession = { path: secret(), cookie: secret(), key: found[1] };
    this.sessions.set(session.path, session);
    while (this.sessions.size > MAX_SESSIONS) {
      this.sessions.delete(this.sessions.keys().next().value as string);
    }
    return session;
  }

  /** The session whose path this is, if the cookie offered is its own. */
  session(path: string, cookie: string | null): WebSession | null {
    const found = this.sessions.get(path);
    return found && equalSecrets(cookie, found.cookie) ? found : null;
  }
}

/** Compares secrets in constant time. */
export function equalSecrets(offered: string | null, expected: string): boolean {
  if (offered === null) return false;
  const a = Buffer.from(offered);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}
