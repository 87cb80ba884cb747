import { KeychainUnavailableError, type CredentialStore } from '../../host/credentials/credential-store.js';
import { MemoryCredentialStore } from '../../host/credentials/memory-credential-store.js';
import type { CredentialReply, CredentialRequest } from './core-protocol.js';

/**
 * Main's keychain service for the app core. The keychain is opened once, on first use; if there is none,
 * reads find nothing and a save fails with a KeychainUnavailableError (Settings words it with
 * keychainProblem(error, 'desktop') and offers the way out), until the user accepts keeping tokens
 * for this session only (Settings offers it), after which they live in main's memory until quit. Tokens
 * pass through here and are never logged.
 */
export class DesktopCredentials {
  private keychain: Promise<CredentialStore | KeychainUnavailableError> | null = null;
  private sessionOnly: MemoryCredentialStore | null = null;

  constructor(private readonly open: () => Promise<CredentialStore>) {}

  async answer(request: CredentialRequest): Promise<CredentialReply> {
    const reply = (kind: CredentialReply['kind'], result: CredentialReply['result']): CredentialReply => ({
      type: 'credential-reply',
      id: request.id,
      kind,
      result,
    });
    if (request.op === 'use-session-only') {
      this.sessionOnly ??= new MemoryCredentialStore();
      return reply('memory', { ok: true, value: true });
    }
    const store = this.sessionOnly ?? (await this.openKeychain());
    if (store instanceof KeychainUnavailableError) {
      if (request.op === 'set') {
        return reply('none', { ok: false, error: store.reason, keychainUnavailable: true });
      }
      return reply('none', { ok: true, value: request.op === 'get' ? null : false });
    }
    const kind = store.kind === 'memory' ? 'memory' : 'keychain';
    try {
      if (request.op === 'get') return reply(kind, { ok: true, value: await store.get(request.account) });
      if (request.op === 'delete')
        return reply(kind, { ok: true, value: await store.delete(request.account) });
      await store.set(request.account, request.token ?? '');
      return reply(kind, { ok: true, value: true });
    } catch (error) {
      if (error instanceof KeychainUnavailableError) {
        // It worked before and stopped (locked since, daemon gone): say so the same way.
        return reply('none', { ok: false, error: error.reason, keychainUnavailable: true });
      }
      return reply(kind, { ok: false, error: (error as Error).message, keychainUnavailable: false });
    }
  }

  private openKeychain(): Promise<CredentialStore | KeychainUnavailableError> {
    this.keychain ??= this.open().catch((error: unknown) => {
      if (error instanceof KeychainUnavailableError) return error;
      return new KeychainUnavailableError((error as Error).message);
    });
    return this.keychain;
  }
}
