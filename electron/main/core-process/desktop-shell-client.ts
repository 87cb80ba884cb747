import type {
  DesktopSettings,
  DesktopSettingsReply,
  DesktopSettingsRequest,
  ShellReply,
  ShellRequest,
} from './core-protocol.js';

/**
 * The app core's way to what only main can reach: the folder picker, the file manager, and the desktop
 * switches main keeps (notifications, start at login) for the Settings screen. Each call is a request
 * over the core channel, answered in main (answerShellRequest, answerDesktopSettings).
 */
export class DesktopShellClient {
  private nextId = 1;
  private readonly waiting = new Map<number, (reply: ShellReply | DesktopSettingsReply) => void>();

  constructor(private readonly post: (request: ShellRequest | DesktopSettingsRequest) => void) {}

  /** Reads the desktop switches, or changes some and returns them all. */
  async desktopSettings(change: Partial<DesktopSettings> = {}): Promise<DesktopSettings> {
    const id = this.nextId++;
    const reply = await new Promise<ShellReply | DesktopSettingsReply>((resolve) => {
      this.waiting.set(id, resolve);
      this.post({ type: 'desktop-settings-request', id, change });
    });
    if (reply.type !== 'desktop-settings-reply') throw new Error('main answered another question');
    return reply.settings;
  }

  /** The folder the user picked, or null if they cancelled. */
  async pickFolder(): Promise<string | null> {
    return (await this.ask('pick-folder')).path;
  }

  async showInFolder(path: string): Promise<void> {
    await this.ask('show-in-folder', path);
  }

  async openFolder(path: string): Promise<void> {
    await this.ask('open-folder', path);
  }

  deliver(reply: ShellReply | DesktopSettingsReply): void {
    const resolve = this.waiting.get(reply.id);
    this.waiting.delete(reply.id);
    resolve?.(reply);
  }

  private async ask(action: ShellRequest['action'], path?: string): Promise<ShellReply> {
    const id = this.nextId++;
    const reply = await new Promise<ShellReply | DesktopSettingsReply>((resolve) => {
      this.waiting.set(id, resolve);
      this.post({ type: 'shell-request', id, action, ...(path === undefined ? {} : { path }) });
    });
    if (reply.type !== 'shell-reply') throw new Error('main answered another question');
    if (reply.error !== undefined) throw new Error(reply.error);
    return reply;
  }
}
