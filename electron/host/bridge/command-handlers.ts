import { hasUndecodableBytes } from '../../../shared/file-name-bytes.js';
import { pathInsideFolder } from '../../base/path-inside-folder.js';
import { join } from 'node:path';
import type { CommandName, CommandResponse, ParsedRequest } from '../../../shared/bridge/contract.js';
import type { SyncService } from '../../engine/sync-service.js';
import { SyncError } from '../../engine/sync-error.js';
import { testConnection } from '../connection-test.js';
import type { DesktopHost } from '../desktop-host.js';
import type { HoistApp } from '../hoist-app.js';
import { storedTokenFor } from '../remote-connection.js';
import { remoteIdentityOrNull } from '../remote-identity.js';
import type { RemoteDeletionRunner } from '../remote-deletion-runner.js';
import { HandlerError } from './handler-error.js';
import { exclude, include as includeAgain, readExclusions } from '../selective-sync.js';
import { syncNowOutcome } from './sync-now-outcome.js';

const MAX_PAUSE_MS = 7 * 24 * 3600 * 1000;

export interface HandlerContext {
  app: HoistApp;
  /** The deletion runner of one folder (one deletion at a time per folder). */
  deletions(folder: string): RemoteDeletionRunner;
  credentials: { get(account: string): Promise<string | null> };
}

type Handler<C extends CommandName> = (
  payload: ParsedRequest<C>,
  context: HandlerContext,
) => CommandResponse<C> | Promise<CommandResponse<C>>;

function desktopOf(app: HoistApp): DesktopHost {
  const desktop = app.desktop;
  if (!desktop) {
    throw new HandlerError(
      'unsupported',
      'Only the desktop app can do this; in a browser, type the path instead',
    );
  }
  return desktop;
}

/** The open folder a request names; HandlerError('no-pair') saying why when it is not open. */
function serviceOf(context: HandlerContext, folder: string): Promise<SyncService> {
  return context.app.service(folder);
}

function checkPauseEnd(until: number | undefined): void {
  // A timer past 7 days would overflow; a pause that long is a mistake, not a wish.
  if (until !== undefined && (until <= Date.now() || until > Date.now() + MAX_PAUSE_MS)) {
    throw new HandlerError('invalid-request', 'A pause must end within the next 7 days');
  }
}

/** The window asks "sync all of it?" after a 'needs-confirmation' and repeats the request with the yes. */
async function askingForLargeFolders<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof SyncError && error.reason === 'large-folder') {
      throw new HandlerError('needs-confirmation', error.message);
    }
    throw error;
  }
}

/** Each command's implementation over the app core; requests arrive already validated. */
export const handlers: { [C in CommandName]: Handler<C> } = {
  'app.get': (_, { app }) => app.view(),
  'overview.get': (_, { app }) => app.overview(),
  'status.get': async ({ folder }, context) => context.app.statusOf(folder, await serviceOf(context, folder)),
  // 'folder' (where the window starts): this folder's remote folder, paths as under it; 'account': the
  // whole account of its remote as the folder's mirror last listed it (every folder's, every client's).
  // A folder at the top of a remote another folder also syncs to (in its own remote folder) leaves
  // that folder's files out of its own view.
  'remote.page': async ({ folder, scope, path, ...query }, context) =>
    (await serviceOf(context, folder)).browseRemote(
      { ...query, ...(path !== undefined ? { folder: path } : {}) },
      scope ?? 'folder',
      context.app.remoteFoldersInside(folder),
    ),
  'remote.summary': async ({ folder, scope, selection }, context) =>
    (await serviceOf(context, folder)).remoteSelectionSummary(
      selection,
      scope ?? 'folder',
      context.app.remoteFoldersInside(folder),
    ),
  // Always within the folder's remote folder (SyncService.deleteRemoteSelection): the account is for looking.
  'remote.delete': async ({ folder, selection, addToIgnore }, context) => {
    const view = (await context.app.view()).folders.find((candidate) => candidate.id === folder);
    if (view && !view.canDelete) {
      throw new HandlerError('unsupported', `${view.label} has no way to delete files`);
    }
    return context
      .deletions(folder)
      .run(selection, addToIgnore === true, context.app.remoteFoldersInside(folder));
  },
  'remote.cancelDelete': ({ folder }, context) => ({ cancelled: context.deletions(folder).cancel() }),
  'remote.refresh': async ({ folder }, context) => {
    const service = await serviceOf(context, folder);
    // A failure (remote down, token rejected) is the answer, in words: the button says it.
    await service.refreshRemote();
    return { listedAt: service.status().lastRemoteRefreshAt };
  },
  'activity.page': async ({ folder, ...query }, context) =>
    (await serviceOf(context, folder)).activityPage(query),
  'files.unsynced': async ({ folder }, context) => (await serviceOf(context, folder)).unsyncedFiles(),
  'files.retry': async ({ folder, path }, context) => {
    const service = await serviceOf(context, folder);
    // Resolves when the retry has run; the answer does not wait for a whole sync.
    void service.retryFile(path).catch(() => undefined);
    return null;
  },
  'sync.pause': async ({ folder, until }, context) => {
    checkPauseEnd(until);
    // No folder: every open folder ("Pause all"); one still opening is paused once it opens, by hand.
    if (folder === undefined) for (const { service } of context.app.openServices()) service.pause(until);
    else (await serviceOf(context, folder)).pause(until);
    return null;
  },
  'sync.resume': async ({ folder }, context) => {
    if (folder === undefined) for (const { service } of context.app.openServices()) service.resume();
    else (await serviceOf(context, folder)).resume();
    return null;
  },
  'sync.now': async ({ folder, resume }, context) => {
    // While paused the pass leaves the pause on, unless the person chose to resume (never silently).
    const service = await serviceOf(context, folder);
    if (resume === true) service.resume();
    // The answer comes when the pass is over, with what it found; the window says "Checking…" till then.
    await service.syncNow();
    return { message: syncNowOutcome(service.status(), Date.now()) };
  },
  'deletions.confirm': async ({ folder }, context) => {
    const outcome = await (await serviceOf(context, folder)).confirmDeletions();
    if (outcome.kind === 'applied') {
      return {
        message: `Deleted ${outcome.deleted} remote cop${outcome.deleted === 1 ? 'y' : 'ies'}${outcome.failed > 0 ? `; ${outcome.failed} could not be deleted` : ''}.`,
      };
    }
    if (outcome.kind === 'none') return { message: 'Nothing left to delete.' };
    return { message: outcome.problem.message };
  },
  'deletions.keep': async ({ folder }, context) => {
    // The engine forgets those files and keeps their remote copies (issue 7's refuse).
    (await serviceOf(context, folder)).refuseDeletions();
    return null;
  },
  'settings.get': async ({ folder }, context) => (await serviceOf(context, folder)).settings(),
  'settings.update': ({ folder, ...patch }, { app }) => app.updateSettings(folder, patch),
  'folders.add': async ({ token, confirmLargeFolder, ...folder }, { app }) => {
    await askingForLargeFolders(() =>
      app.addFolder(folder, token, { confirmLargeFolder: confirmLargeFolder === true }),
    );
    return app.view();
  },
  'folders.remove': async ({ folder, removeState }, { app }) => {
    await app.removeFolder(folder, removeState === true);
    return app.view();
  },
  'folders.update': async ({ folder, ...change }, { app }) => {
    await askingForLargeFolders(() => app.updateFolder(folder, change));
    return app.view();
  },
  'app.budget': async (change, { app }) => {
    await app.setBudget(change);
    return app.view();
  },
  'folder.exclusions': ({ folder }, { app }) => readExclusions(app.folderPath(folder)),
  'folder.exclude': async ({ folder, include, path, fileType }, context) => {
    const root = context.app.folderPath(folder);
    const request = {
      ...(path !== undefined ? { path } : {}),
      ...(fileType !== undefined ? { fileType } : {}),
    };
    const change = include === true ? await includeAgain(root, request) : await exclude(root, request);
    // At once, not when the watcher notices: an upload must not race the new rule.
    await (await serviceOf(context, folder)).applyIgnoreRules();
    return change;
  },
  'connection.test': async ({ provider, remoteUrl, token }, { credentials }) => {
    // Without a typed token, only the token kept for this very remote (provider + identity) may go.
    const identity = remoteIdentityOrNull(provider, remoteUrl);
    const stored = token ?? (await storedTokenFor(provider, identity, credentials));
    return testConnection(provider, remoteUrl, stored);
  },
  'token.set': async ({ folder, token }, { app }) => {
    await app.setToken(folder, token);
    return app.view();
  },
  'ignore.read': async ({ folder }, { app }) => ({ text: await app.readIgnore(folder) }),
  'ignore.write': async ({ folder, text }, context) => {
    await context.app.writeIgnore(folder, text);
    await (await serviceOf(context, folder)).applyIgnoreRules();
    return null;
  },
  'preferences.update': async ({ theme }, { app }) => {
    await app.setTheme(theme);
    return app.view();
  },
  'desktop.pickFolder': async (_, { app }) => ({ path: await desktopOf(app).pickFolder() }),
  'desktop.openFolder': async ({ folder }, { app }) => {
    const path = app.folderPath(folder);
    await desktopOf(app).openFolder(path);
    return null;
  },
  'desktop.showInFolder': async ({ folder: id, path }, { app }) => {
    const folder = app.folderPath(id);
    // A path from the window names a file of this folder, never something beside or above it.
    const file = pathInsideFolder(folder, path);
    if (file === null) throw new HandlerError('invalid-request', `${path} is not a file of this folder`);
    // A name that is not UTF-8 cannot be passed to the shell as a string: open the folder it is in.
    const parts = path.split('/');
    const undecodable = parts.findIndex(hasUndecodableBytes);
    if (undecodable === -1) await desktopOf(app).showInFolder(file);
    else await desktopOf(app).openFolder(join(folder, ...parts.slice(0, undecodable)));
    return null;
  },
  'desktop.update': async (change, { app }) => {
    await desktopOf(app).switches(change);
    return app.view();
  },
  'credentials.useSessionOnly': async (_, { app }) => {
    const view = await app.view();
    if (!view.canKeepTokenForSession) {
      throw new HandlerError('unsupported', 'Tokens are already kept for this session only here');
    }
    await app.useSessionOnlyCredentials();
    return app.view();
  },
  'conflicts.list': async ({ folder }, context) => (await serviceOf(context, folder)).conflicts(),
  'conflicts.resolve': async ({ folder, path, resolution }, context) => ({
    message: (await serviceOf(context, folder)).resolveConflict(path, resolution),
  }),
};
