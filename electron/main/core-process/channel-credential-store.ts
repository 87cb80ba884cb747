import { KeychainUnavailableError, type CredentialStore } from '../../host/credentials/credential-store.js';
import type { CredentialReply, CredentialRequest } from './core-protocol.js';

type Op = CredentialRequest['op'];

/**
 * The app core's CredentialStore in the utility process: every call is a question to main, which owns
 * the keychain (DesktopCredentials). `storage` says where tokens go now: the keychain, this session's
 * memory, or nowhere yet (no keychain, and the user has not chosen session-only).
 */
export class ChannelCredentialStore implements CredentialStore {
  storage: 'keychain' | 'memory' | 'none' = 'keychain';
  private nextId = 1;
  private readonly waiting = new Map<number, (reply: CredentialReply) => void>();

  constructor(private readonly post: (request: CredentialRequest) => void) {}

  get kind(): 'keychain' | 'memory' {
    return this.storage === 'memory' ? 'memory' : 'keychain';
  }

  async get(account: string): Promise<string | null> {
    const value = await this.ask('get', account);
    return typeof value === 'string' ? value : null;
  }

  async set(account: string, token: string): Promise<void> {
    await this.ask('set', account, token);
  }

  async delete(account: string): Promise<boolean> {
    return (await this.ask('delete', account)) === true;
  }

  /** The user accepted keeping tokens for this session only. */
  async useSessionOnly(): Promise<void> {
    await this.ask('use-session-only', '');
  }

  /** A reply from main. */
  deliver(reply: CredentialReply): void {
    const resolve = this.waiting.get(reply.id);
    this.waiting.delete(reply.id);
    resolve?.(reply);
  }

  /** Main is gone (the core is stopping): nothing pending will be answered. */
  abandon(): void {
    const pending = [...this.waiting.values()];
    this.waiting.clear();
    for (const resolve of pending) {
      resolve({
        type: 'credential-reply',
        id: 0,
        kind: 'none',
        result: { ok: false, error: 'Hoist is shutting down', keychainUnavailable: false },
      });
    }
  }

  private async ask(op: Op, account: string, token?: string): Promise<string | boolean | null> {
    const id = this.nextId++;
    const reply = await new Promise<CredentialReply>((resolve) => {
      this.waiting.set(id, resolve);
      this.post({ type: 'credential-request', id, op, account, ...(token === undefined ? {} : { token }) });
    });
    this.storage = reply.kind;
    if (reply.result.ok) return reply.result.value;
    if (reply.result.keychainUnavailable) throw new KeychainUnavailableError(reply.result.error);
    throw new Error(reply.result.error);
  }
}
