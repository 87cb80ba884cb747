// Past 300 lines: the one table of every bridge command and event with its schema, which both hosts
// and the renderer import; split, a command's request and reply would stand apart.
import { z } from 'zod';
import type { ActivityPage, RemoteBrowsePage, RemoteSelectionSummary } from '../remote-browse.js';
import type { NotSyncedEntry } from '../not-synced.js';
import type { ConflictView, PairSettings, SyncErrorInfo, SyncStatus } from '../sync-types.js';
import { pairSettingsPatchSchema, remoteFolderSchema } from '../pair-settings-schema.js';

/**
 * The bridge between a host (web host, Electron main) and the renderer, declared once: every command
 * with the schema of its request and the type of its answer, every event with the type of its payload.
 * Requests come from the renderer and are untrusted: each is parsed with its schema on the host.
 * Answers and events come from the host; their types are declared here with `view` (a schema that
 * checks nothing) so both sides share one name for each shape without re-validating trusted data.
 */

/** A type carried by the contract but not re-checked at runtime (host → renderer). */
const view = <T>() => z.custom<T>(() => true);

export const providerKindSchema = z.enum(['local', 'alloy', 'composio', 'openwebui']);
export const remoteFilterSchema = z.enum(['all', 'this-folder', 'remote-only', 'deleted-locally']);
export const themeSchema = z.enum(['system', 'light', 'dark']);

const text = (max: number) => z.string().max(max);
const key = z.string().min(1).max(2048);

const folderPath = text(4096);

export const remoteSelectionSchema = z.discriminatedUnion('kind', [
  z
    .object({
      kind: z.literal('keys'),
      keys: z.array(key).max(10_000),
      folders: z.array(folderPath.min(1)).max(1000).optional(),
      filter: remoteFilterSchema.optional(),
    })
    .strict()
    .refine((selection) => selection.keys.length + (selection.folders?.length ?? 0) > 0, {
      message: 'Select at least one file or folder',
    }),
  z
    .object({
      kind: z.literal('query'),
      search: text(1000).optional(),
      filter: remoteFilterSchema.optional(),
      folder: folderPath.optional(),
      exceptKeys: z.array(key).max(10_000).optional(),
      exceptFolders: z.array(folderPath.min(1)).max(1000).optional(),
    })
    .strict(),
]);

/** The pair the app syncs: a folder and a remote (never the token). */
export const pairConfigSchema = z
  .object({
    folder: z.string().min(1).max(4096),
    provider: providerKindSchema,
    /** Empty or absent for "This computer" (the embedded remote). */
    remoteUrl: z.string().max(2048).optional(),
  })
  .strict();

const empty = z.object({}).strict();

/** A configured folder's id (its pair id, host/pair-location.ts `pairId`). */
export const folderIdSchema = z.string().min(1).max(200);
/** The request of a command that acts on one folder and takes nothing else. */
const oneFolder = z.object({ folder: folderIdSchema }).strict();
/** 'account' = the whole remote account: what every folder and other clients put there. */
export const remoteScopeSchema = z.enum(['folder', 'account']);

/** App-wide "Uploads at once": shared by every folder, so five folders never mean five times the connections. */
export const uploadsAtOnceSchema = z.number().int().min(1).max(16);
/** App-wide bandwidth limit in bytes per second; null = unlimited. Below 1 KB/s an upload would look hung. */
export const appBandwidthLimitSchema = z.number().int().min(1000).nullable();

/** Excluding (or including again) a subfolder or a file type of a folder, written to its `.hoistignore`. */
export const folderExcludeSchema = z
  .object({
    folder: folderIdSchema,
    /** A subfolder or file, relative to the folder, '/'-separated. */
    path: text(4096).min(1).optional(),
    /** An extension without the dot, e.g. "mp4". */
    fileType: z
      .string()
      .min(1)
      .max(50)
      .regex(/^[^./\\\s*?[\]!#]+$/, { message: 'must be an extension without the dot, such as mp4' })
      .optional(),
    /** True = include it again. */
    include: z.boolean().optional(),
  })
  .strict()
  .refine((request) => (request.path === undefined) !== (request.fileType === undefined), {
    message: 'Give either a path or a file type',
  });

export interface PairView {
  folder: string;
  provider: z.infer<typeof providerKindSchema>;
  remoteUrl: string | null;
  /** "This computer", "Alloy (https://…)". */
  label: string;
  /** False where the remote has no delete (Composio). */
  canDelete: boolean;
  /** Whether a token is stored for this remote; the token itself never crosses the bridge. */
  tokenSet: boolean;
  needsToken: boolean;
}

/** One configured folder: its pair, and whether it is open. */
export type FolderView = PairView & {
  /** The folder's id (its pair id); every per-folder command names it. */
  id: string;
  /** The folder's basename, as the sidebar shows it. */
  name: string;
  /** The folder on the remote this folder's files go under; null for none (the remote's top). */
  remoteFolder: string | null;
  /** Why it could not be opened, in words; null when open (or still opening). */
  openError: string | null;
  /** Still opening (its lock, state and first connection); its status arrives once open. */
  opening: boolean;
};

export interface AppView {
  /** Every configured folder, in the order they were added; empty on the first run. */
  folders: FolderView[];
  theme: z.infer<typeof themeSchema>;
  /** What the first run proposes: a Hoist folder in the home folder. */
  suggestedFolder: string;
  /** Where credentials live: 'memory' (this run only), 'environment' (HOIST_TOKEN), 'keychain'. */
  credentialStore: 'keychain' | 'memory' | 'environment';
  /**
   * The desktop app's own switches and abilities (folder picker, file manager); null in a browser
   * (`hoist ui`), where the window offers none of them.
   */
  desktop: DesktopView | null;
  /** Whether tokens can be kept for this session only when no keychain works (the desktop app). */
  canKeepTokenForSession: boolean;
  /** App-wide "Uploads at once": every folder's uploads share it. */
  uploadsAtOnce: number;
  /** App-wide bandwidth limit in bytes per second, shared by every folder; null = unlimited. */
  bandwidthLimit: number | null;
}

/** What the "All folders" view and the tray read. */
export interface OverviewView {
  folders: Array<{ id: string; name: string; status: StatusView | null; openError: string | null }>;
}

/** A folder's exclusions as clicks: relative '/'-separated paths, and extensions without the dot. */
export interface FolderExclusionsView {
  paths: string[];
  fileTypes: string[];
  /** After a change: why what was included again is still left out (the person's own rule), else null. */
  note?: string | null;
}

export interface DesktopView {
  notifications: boolean;
  startAtLogin: boolean;
}

/** The pair's status (with `pausedUntil` for a timed pause), as the renderer gets it. */
export type StatusView = SyncStatus;

export interface DeletionProgressView {
  done: number;
  total: number;
  deleted: number;
  failed: number;
  finished: boolean;
}

export interface DeletionOutcomeView {
  deleted: number;
  failures: Array<{ path: string; message: string }>;
  cancelled: boolean;
  notTried: number;
  addedToIgnore: number;
}

export interface ConnectionTestView {
  ok: boolean;
  message: string;
  /** The remote answered and refused the token (Save will not switch to it with this token). */
  tokenRejected?: boolean;
}

export const commands = {
  'app.get': { request: empty, response: view<AppView>() },
  'overview.get': { request: empty, response: view<OverviewView>() },
  'status.get': { request: oneFolder, response: view<StatusView>() },
  'remote.page': {
    request: z
      .object({
        folder: folderIdSchema,
        scope: remoteScopeSchema.optional(),
        offset: z.number().int().min(0).max(100_000_000),
        limit: z.number().int().min(1).max(1000),
        search: text(1000).optional(),
        sort: z.enum(['name', 'size', 'lastModified']).optional(),
        descending: z.boolean().optional(),
        filter: remoteFilterSchema.optional(),
        /** A folder on the remote to list (a path), not the configured folder's id. */
        path: folderPath.optional(),
      })
      .strict(),
    response: view<RemoteBrowsePage>(),
  },
  'remote.summary': {
    request: z
      .object({
        folder: folderIdSchema,
        scope: remoteScopeSchema.optional(),
        selection: remoteSelectionSchema,
      })
      .strict(),
    response: view<RemoteSelectionSummary>(),
  },
  'remote.delete': {
    request: z
      .object({
        folder: folderIdSchema,
        selection: remoteSelectionSchema,
        addToIgnore: z.boolean().optional(),
      })
      .strict(),
    response: view<DeletionOutcomeView>(),
  },
  'remote.cancelDelete': { request: oneFolder, response: view<{ cancelled: boolean }>() },
  /** Lists the remote now (the Remote files screen's Refresh); resolves when the mirror is fresh. */
  'remote.refresh': { request: oneFolder, response: view<{ listedAt: number | null }>() },
  'activity.page': {
    request: z
      .object({
        folder: folderIdSchema,
        offset: z.number().int().min(0).max(100_000_000),
        limit: z.number().int().min(1).max(1000),
        kinds: z
          .array(
            z.enum([
              'uploaded',
              'already-on-remote',
              'deleted-remote',
              'deleted-locally',
              'failed',
              'conflict',
              'skipped',
              'info',
              'warning',
            ]),
          )
          .max(20)
          .optional(),
        search: text(1000).optional(),
      })
      .strict(),
    response: view<ActivityPage>(),
  },
  'files.unsynced': { request: oneFolder, response: view<NotSyncedEntry[]>() },
  'files.retry': {
    request: z.object({ folder: folderIdSchema, path: text(4096).min(1) }).strict(),
    response: view<null>(),
  },
  'sync.pause': {
    // Until a moment (ms since epoch), or until resumed when absent. No folder = every folder ("Pause all").
    request: z
      .object({ folder: folderIdSchema.optional(), until: z.number().int().positive().optional() })
      .strict(),
    response: view<null>(),
  },
  /** No folder = every folder. */
  'sync.resume': {
    request: z.object({ folder: folderIdSchema.optional() }).strict(),
    response: view<null>(),
  },
  /**
   * One pass now; answers when it is over, saying what it found. While paused the pause stays unless
   * `resume` (the window asks which the person wants).
   */
  'sync.now': {
    request: z.object({ folder: folderIdSchema, resume: z.boolean().optional() }).strict(),
    response: view<{ message: string }>(),
  },
  'deletions.confirm': { request: oneFolder, response: view<{ message: string }>() },
  'deletions.keep': { request: oneFolder, response: view<null>() },
  'settings.get': { request: oneFolder, response: view<PairSettings>() },
  /** A folder's own settings; its concurrency and bandwidth limit only ever lower the app-wide budget. */
  'settings.update': {
    request: pairSettingsPatchSchema.extend({ folder: folderIdSchema }).strict(),
    response: view<PairSettings>(),
  },
  /**
   * Adds a folder and starts syncing it (the others keep syncing). Refused with code `config` and a
   * sentence saying which and why: the same folder twice, a folder inside or containing another
   * configured folder, or the same remote and remote folder as another folder.
   */
  'folders.add': {
    request: pairConfigSchema
      .extend({
        remoteFolder: remoteFolderSchema.optional(),
        token: text(4096).optional(),
        // The person said yes to a very large folder's first sync (asked after a 'needs-confirmation').
        confirmLargeFolder: z.boolean().optional(),
      })
      .strict(),
    response: view<AppView>(),
  },
  /**
   * Stops syncing a folder and forgets it; its remote copies stay. Its state (database, activity) is
   * removed only when `removeState` is true (the window asks a second, explicit time).
   */
  'folders.remove': {
    request: z.object({ folder: folderIdSchema, removeState: z.boolean().optional() }).strict(),
    response: view<AppView>(),
  },
  /** Another remote (or remote folder) for a configured folder; the same refusals as folders.add. */
  'folders.update': {
    request: z
      .object({
        folder: folderIdSchema,
        provider: providerKindSchema.optional(),
        remoteUrl: z.string().max(2048).optional(),
        remoteFolder: remoteFolderSchema.optional(),
      })
      .strict(),
    response: view<AppView>(),
  },
  /** The app-wide upload budget: shared by every folder. */
  'app.budget': {
    request: z
      .object({
        uploadsAtOnce: uploadsAtOnceSchema.optional(),
        bandwidthLimit: appBandwidthLimitSchema.optional(),
      })
      .strict(),
    response: view<AppView>(),
  },
  /** The folder's `.hoistignore` exclusions that the window can show as clicks. */
  'folder.exclusions': { request: oneFolder, response: view<FolderExclusionsView>() },
  'folder.exclude': { request: folderExcludeSchema, response: view<FolderExclusionsView>() },
  'connection.test': {
    request: z
      .object({
        provider: providerKindSchema,
        remoteUrl: z.string().max(2048).optional(),
        token: text(4096).optional(),
      })
      .strict(),
    response: view<ConnectionTestView>(),
  },
  'token.set': {
    request: z.object({ folder: folderIdSchema, token: text(4096).min(1) }).strict(),
    response: view<AppView>(),
  },
  'ignore.read': { request: oneFolder, response: view<{ text: string }>() },
  'ignore.write': {
    request: z.object({ folder: folderIdSchema, text: text(256 * 1024) }).strict(),
    response: view<null>(),
  },
  'preferences.update': { request: z.object({ theme: themeSchema }).strict(), response: view<AppView>() },
  /** The desktop app's native folder picker; `unsupported` in a browser. */
  'desktop.pickFolder': { request: empty, response: view<{ path: string | null }>() },
  /** Opens the folder in the file manager (desktop app only). */
  'desktop.openFolder': { request: oneFolder, response: view<null>() },
  /** Shows one of the folder's files (a path relative to the folder) in the file manager. */
  'desktop.showInFolder': {
    request: z.object({ folder: folderIdSchema, path: text(4096).min(1) }).strict(),
    response: view<null>(),
  },
  'desktop.update': {
    request: z
      .object({ notifications: z.boolean().optional(), startAtLogin: z.boolean().optional() })
      .strict(),
    response: view<AppView>(),
  },
  /** After a `keychain-unavailable` error: keep tokens in memory until Hoist quits. */
  'credentials.useSessionOnly': { request: empty, response: view<AppView>() },
  'conflicts.list': { request: oneFolder, response: view<ConflictView[]>() },
  'conflicts.resolve': {
    request: z
      .object({
        folder: folderIdSchema,
        path: text(4096).min(1),
        resolution: z.enum(['keep-both', 'replace', 'ignore']),
      })
      .strict(),
    response: view<{ message: string }>(),
  },
} as const;

export const events = {
  /** A folder's status, coalesced per folder: at most about ten a second each. */
  status: view<{ folder: string; status: StatusView }>(),
  /** Something the renderer shows changed in a folder: re-read the rows on screen. Never carries the rows. */
  changed: view<{ folder: string; remote: boolean; local: boolean; activity: boolean }>(),
  problem: view<{ folder: string; problem: SyncErrorInfo }>(),
  deletion: view<{ folder: string; progress: DeletionProgressView }>(),
  /** The app's configuration changed (a folder added, removed or opened, a token set, the theme). */
  app: view<AppView>(),
} as const;

export type CommandName = keyof typeof commands;
export type EventName = keyof typeof events;
export type CommandRequest<C extends CommandName> = z.input<(typeof commands)[C]['request']>;
export type ParsedRequest<C extends CommandName> = z.output<(typeof commands)[C]['request']>;
export type CommandResponse<C extends CommandName> = z.output<(typeof commands)[C]['response']>;
export type EventPayload<E extends EventName> = z.output<(typeof events)[E]>;

/** Why a request failed, as a code the renderer can branch on; the message is for people. */
export const bridgeErrorCodes = [
  'malformed', // not JSON, or not a request envelope
  'too-large',
  'unknown-command',
  'invalid-request', // the payload does not match the command's schema
  'no-pair', // the command names a folder that is not configured, or not open (see its openError)
  'unsupported', // the remote or this build cannot do it
  'auth',
  'config',
  'keychain-unavailable', // a token could not be saved: no keychain works here (see canKeepTokenForSession)
  'needs-confirmation', // the person must say yes first (a very large folder's first sync); ask, then repeat
  'busy', // this connection already has as many requests in flight as the host answers at once
  'failed',
] as const;
export type BridgeErrorCode = (typeof bridgeErrorCodes)[number];

export interface BridgeErrorView {
  code: BridgeErrorCode;
  message: string;
}

/** The largest message either side accepts, in characters of JSON. */
export const MAX_MESSAGE_CHARS = 1024 * 1024;

export const requestEnvelopeSchema = z
  .object({
    type: z.literal('request'),
    id: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
    command: z.string().max(100),
    payload: z.unknown().optional(),
  })
  .strict();

export type RequestEnvelope = z.infer<typeof requestEnvelopeSchema>;

export type HostMessage =
  | { type: 'response'; id: number | null; ok: true; result: unknown }
  | { type: 'response'; id: number | null; ok: false; error: BridgeErrorView }
  | { type: 'event'; event: EventName; payload: unknown };

export function isCommandName(name: string): name is CommandName {
  return Object.hasOwn(commands, name);
}
