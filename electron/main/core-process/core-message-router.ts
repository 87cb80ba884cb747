import {
  parseCoreToMain,
  type CoreFolderRow,
  type CredentialReply,
  type CredentialRequest,
  type DesktopSettingsReply,
  type DesktopSettingsRequest,
  type MainToCore,
  type ShellReply,
  type ShellRequest,
} from './core-protocol.js';

export interface CoreMessageHandlers {
  /** Every configured folder's row (the whole list, each time one changed). */
  status(folders: CoreFolderRow[]): void;
  bridge(connection: number, message: unknown): void;
  credentials(request: CredentialRequest): Promise<CredentialReply>;
  shell(request: ShellRequest): Promise<ShellReply>;
  desktopSettings(request: DesktopSettingsRequest): Promise<DesktopSettingsReply>;
  /** Back to the core (dropped if it has gone meanwhile). */
  reply(message: MainToCore): void;
  log(line: string): void;
}

/** Main's side of the core channel: parses each message from the core and hands it to its handler. */
export function routeCoreMessage(raw: unknown, handlers: CoreMessageHandlers): void {
  const message = parseCoreToMain(raw);
  if (message === null) {
    handlers.log('core: ignored a malformed message');
    return;
  }
  const answer = (reply: Promise<MainToCore>, what: string): void => {
    reply.then(handlers.reply, (error: unknown) =>
      handlers.log(`core: ${what} failed: ${(error as Error).message}`),
    );
  };
  switch (message.type) {
    case 'status':
      return handlers.status(message.folders);
    case 'bridge-message':
      return handlers.bridge(message.connection, message.message);
    case 'credential-request':
      return answer(handlers.credentials(message), `keychain ${message.op}`);
    case 'shell-request':
      return answer(handlers.shell(message), message.action);
    case 'desktop-settings-request':
      return answer(handlers.desktopSettings(message), 'desktop settings');
    case 'log':
      return handlers.log(`core: ${message.line}`);
    case 'ready':
    case 'stopped':
      return;
  }
}
