import type { ShellReply, ShellRequest } from './core-protocol.js';

/**
 * The app core's way to the folder picker and the file manager, which only main can reach: each call is
 * a request over the core channel, answered by answerShellRequest in main.
 */
export class DesktopShellClient {
  private nextId = 1;
  private readonly waiting = new Map<number, (reply: ShellReply) => void>();

  constructor(private readonly post: (request: ShellRequest) => void) {}

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

  deliver(reply: ShellReply): void {
    const resolve = this.waiting.get(reply.id);
    this.waiting.delete(reply.id);
    resolve?.(reply);
  }

  private async ask(action: ShellRequest['action'], path?: string): Promise<ShellReply> {
    const id = this.nextId++;
    const reply = await new Promise<ShellReply>((resolve) => {
      this.waiting.set(id, resolve);
      this.post({ type: 'shell-request', id, action, ...(path === undefined ? {} : { path }) });
    });
    if (reply.error !== undefined) throw new Error(reply.error);
    return reply;
  }
}
