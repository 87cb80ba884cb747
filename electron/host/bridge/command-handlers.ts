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
import { statusView } from './status-view.js';
import { syncNowOutcome } from './sync-now-outcome.js';

const MAX_PAUSE_MS = 7 * 24 * 3600 * 1000;

export interface HandlerContext {
  app: HoistApp;
  deletions: RemoteDeletionRunner;
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

function serviceOf(context: HandlerContext): SyncService {
  const service = context.app.service;
  if (!service) throw new HandlerError('no-pair', 'Choose a folder and a remote in Settings first');
  return service;
}

/** Each command's implementation over the app core; requests arrive already validated. */
export const handlers: { [C in CommandName]: Handler<C> } = {
  'app.get': (_, { app }) => app.view(),
  'status.get': (_, context) => statusView(context.app, serviceOf(context)),
  'remote.page': (query, context) => serviceOf(context).browseRemote(query),
  'remote.summary': ({ selection }, context) => serviceOf(context).remoteSelectionSummary(selection),
  'remote.delete': async ({ selection, addToIgnore }, context) => {
    const { app } = context;
    const view = await app.view();
    if (view.pair && !view.pair.canDelete) {
      throw new HandlerError('unsupported', `${view.pair.label} has no way to delete files`);
    }
    serviceOf(context);
    return context.deletions.run(selection, addToIgnore === true);
  },
  'remote.cancelDelete': (_, { deletions }) => ({ cancelled: deletions.cancel() }),
  'remote.refresh': async (_, context) => {
    const service = serviceOf(context);
    // A failure (remote down, token rejected) is the answer, in words: the button says it.
    await service.refreshRemote();
    return { listedAt: service.status().lastRemoteRefreshAt };
  },
  'activity.page': (query, context) => serviceOf(context).activityPage(query),
  'files.unsynced': (_, context) => serviceOf(context).unsyncedFiles(),
  'files.retry': async ({ path }, context) => {
    const service = serviceOf(context);
    // Resolves when the retry has run; the answer does not wait for a whole sync.
    void service.retryFile(path).catch(() => undefined);
    return null;
  },
  'sync.pause': ({ until }, context) => {
    const service = serviceOf(context);
    // A timer past 7 days would overflow; a pause that long is a mistake, not a wish.
    if (until !== undefined && (until <= Date.now() || until > Date.now() + MAX_PAUSE_MS)) {
      throw new HandlerError('invalid-request', 'A pause must end within the next 7 days');
    }
    service.pause(until);
    return null;
  },
  'sync.resume': (_, context) => {
    serviceOf(context).resume();
    return null;
  },
  'sync.now': async ({ resume }, context) => {
    // While paused the pass leaves the pause on, unless the person chose to resume (never silently).
    const service = serviceOf(context);
    if (resume === true) service.resume();
    // The answer comes when the pass is over, with what it found; the window says "Checking…" till then.
    await service.syncNow();
    return { message: syncNowOutcome(service.status(), Date.now()) };
  },
  'deletions.confirm': async (_, context) => {
    const outcome = await serviceOf(context).confirmDeletions();
    if (outcome.kind === 'applied') {
      return {
        message: `Deleted ${outcome.deleted} remote cop${outcome.deleted === 1 ? 'y' : 'ies'}${outcome.failed > 0 ? `; ${outcome.failed} could not be deleted` : ''}.`,
      };
    }
    if (outcome.kind === 'none') return { message: 'Nothing left to delete.' };
    return { message: outcome.problem.message };
  },
  'deletions.keep': (_, context) => {
    // The engine forgets those files and keeps their remote copies (issue 7's refuse).
    serviceOf(context).refuseDeletions();
    return null;
  },
  'settings.get': (_, context) => serviceOf(context).settings(),
  'settings.update': (patch, context) => serviceOf(context).updateSettings(patch),
  'pair.open': async ({ token, confirmLargeFolder, ...pair }, { app }) => {
    try {
      await app.openPair(pair, token, { confirmLargeFolder: confirmLargeFolder === true });
    } catch (error) {
      // The window asks "sync all of it?" and sends the same request with the person's yes.
      if (error instanceof SyncError && error.reason === 'large-folder') {
        throw new HandlerError('needs-confirmation', error.message);
      }
      throw error;
    }
    return app.view();
  },
  'connection.test': async ({ provider, remoteUrl, token }, { credentials }) => {
    // Without a typed token, only the token kept for this very remote (provider + identity) may go.
    const identity = remoteIdentityOrNull(provider, remoteUrl);
    const stored = token ?? (await storedTokenFor(provider, identity, credentials));
    return testConnection(provider, remoteUrl, stored);
  },
  'token.set': async ({ token }, { app }) => {
    await app.setToken(token);
    return app.view();
  },
  'ignore.read': async (_, { app }) => ({ text: await app.readIgnore() }),
  'ignore.write': async ({ text }, { app }) => {
    await app.writeIgnore(text);
    await app.service?.applyIgnoreRules();
    return null;
  },
  'preferences.update': async ({ theme }, { app }) => {
    await app.setTheme(theme);
    return app.view();
  },
  'desktop.pickFolder': async (_, { app }) => ({ path: await desktopOf(app).pickFolder() }),
  'desktop.openFolder': async (_, { app }) => {
    const folder = app.folder;
    if (folder === null) throw new HandlerError('no-pair', 'Choose a folder in Settings first');
    await desktopOf(app).openFolder(folder);
    return null;
  },
  'desktop.showInFolder': async ({ path }, { app }) => {
    const folder = app.folder;
    if (folder === null) throw new HandlerError('no-pair', 'Choose a folder in Settings first');
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
  'conflicts.list': (_, context) => serviceOf(context).conflicts(),
  'conflicts.resolve': ({ path, resolution }, context) => ({
    message: serviceOf(context).resolveConflict(path, resolution),
  }),
};
