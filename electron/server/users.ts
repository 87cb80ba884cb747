import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

export interface UserSpec {
  name: string;
  token: string;
  admin?: boolean;
}

export interface User {
  name: string;
  /** 24 hex characters, like Alloy's user ids; derived from the name so keys survive restarts. */
  id: string;
  admin: boolean;
}

const USER_NAME = /^[A-Za-z0-9._-]{1,64}$/;
const MIN_TOKEN_LENGTH = 8;

export function userIdFor(name: string): string {
  return createHash('sha256').update(`hoist-user:${name}`).digest('hex').slice(0, 24);
}

export function generateToken(): string {
  return randomBytes(24).toString('base64url');
}

/** Parses `NAME:TOKEN` or `NAME:TOKEN:admin` as given to `--user`. */
export function parseUserSpec(text: string): UserSpec {
  const first = text.indexOf(':');
  if (first <= 0) throw new Error(`--user expects NAME:TOKEN[:admin], got "${text.split(':')[0]}:…"`);
  const name = text.slice(0, first);
  let token = text.slice(first + 1);
  let admin = false;
  if (token.endsWith(':admin')) {
    token = token.slice(0, -':admin'.length);
    admin = true;
  }
  return { name, token, admin };
}

interface Entry {
  user: User;
  digest: Buffer;
}

/** The server's accounts. Tokens are kept only as SHA-256 digests and compared in constant time. */
export class UserDirectory {
  private readonly entries: Entry[];

  constructor(specs: readonly UserSpec[]) {
    if (specs.length === 0) throw new Error('At least one user is required');
    const seen = new Set<string>();
    this.entries = specs.map((spec) => {
      if (!USER_NAME.test(spec.name)) {
        throw new Error(`User name "${spec.name}" must be 1-64 characters of A-Z a-z 0-9 . _ -`);
      }
      if (seen.has(spec.name)) throw new Error(`User "${spec.name}" is defined twice`);
      seen.add(spec.name);
      if (spec.token.length < MIN_TOKEN_LENGTH) {
        throw new Error(`The token of user "${spec.name}" must be at least ${MIN_TOKEN_LENGTH} characters`);
      }
      return {
        user: { name: spec.name, id: userIdFor(spec.name), admin: spec.admin === true },
        digest: digest(spec.token),
      };
    });
  }

  get users(): User[] {
    return this.entries.map((entry) => entry.user);
  }

  /** Returns the user owning `token`, comparing against every user so timing reveals nothing. */
  authenticate(token: string | undefined): User | null {
    if (token === undefined || token === '') return null;
    const presented = digest(token);
    let found: User | null = null;
    for (const entry of this.entries) {
      if (timingSafeEqual(presented, entry.digest) && found === null) found = entry.user;
    }
    return found;
  }
}

function digest(token: string): Buffer {
  return createHash('sha256').update(token, 'utf8').digest();
}
