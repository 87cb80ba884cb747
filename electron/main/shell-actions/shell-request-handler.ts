import { isAbsolute } from 'node:path';
import type { ShellReply, ShellRequest } from '../core-process/core-protocol.js';

/** The Electron calls behind the app core's desktop requests (dialog and shell), passed in. */
export interface DesktopShellApi {
  /** The native folder picker; null when cancelled. */
  pickFolder(): Promise<string | null>;
  showItemInFolder(path: string): void;
  /** Opens a folder in the file manager; resolves with an error message, or '' on success. */
  openPath(path: string): Promise<string>;
  isDirectory(path: string): Promise<boolean>;
}

/**
 * Answers the app core's requests for the folder picker, "Show in folder" and "Open folder". Paths come
 * from the app core (ultimately from the UI), so they must be absolute, and "Open folder" opens only a
 * folder: openPath on a file would run it with its default application.
 */
export async function answerShellRequest(request: ShellRequest, api: DesktopShellApi): Promise<ShellReply> {
  const reply = (path: string | null, error?: string): ShellReply => ({
    type: 'shell-reply',
    id: request.id,
    path,
    ...(error === undefined ? {} : { error }),
  });
  if (request.action === 'pick-folder') return reply(await api.pickFolder());
  const path = request.path;
  if (path === undefined || !isAbsolute(path) || path.includes('\0'))
    return reply(null, 'not an absolute path');
  if (request.action === 'show-in-folder') {
    api.showItemInFolder(path);
    return reply(path);
  }
  if (!(await api.isDirectory(path))) return reply(null, `${path} is not a folder`);
  const error = await api.openPath(path);
  return error === '' ? reply(path) : reply(null, error);
}
