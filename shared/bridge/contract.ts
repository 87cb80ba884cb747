// Just past 300 lines: the one table of every bridge command and event with its schema, which both
// hosts and the renderer import; split, a command's request and reply would stand apart.
import { z } from 'zod';
import type { ActivityPage, RemoteBrowsePage, RemoteSelectionSummary } from '../remote-browse.js';
import type { NotSyncedEntry } from '../not-synced.js';
import type { ConflictView, PairSettings, SyncErrorInfo, SyncStatus } from '../sync-types.js';
import { pairSettingsPatchSchema } from '../pair-settings-schema.js';

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

export interface AppView {
  /** Null until the first pair is chosen (first run), or while it failed to open. */
  pair: PairView | null;
  /** Why the configured pair could not be opened, in words. */
  openError: string | null;
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
  'status.get': { request: empty, response: view<StatusView>() },
  'remote.page': {
    request: z
      .object({
        offset: z.number().int().min(0).max(100_000_000),
        limit: z.number().int().min(1).max(1000),
        search: text(1000).optional(),
        sort: z.enum(['name', 'size', 'lastModified']).optional(),
        descending: z.boolean().optional(),
        filter: remoteFilterSchema.optional(),
        folder: folderPath.optional(),
      })
      .strict(),
    response: view<RemoteBrowsePage>(),
  },
  'remote.summary': {
    request: z.object({ selection: remoteSelectionSchema }).strict(),
    response: view<RemoteSelectionSummary>(),
  },
  'remote.delete': {
    request: z.object({ selection: remoteSelectionSchema, addToIgnore: z.boolean().optional() }).strict(),
    response: view<DeletionOutcomeView>(),
  },
  'remote.cancelDelete': { request: empty, response: view<{ cancelled: boolean }>() },
  /** Lists the remote now (the Remote files screen's Refresh); resolves when the mirror is fresh. */
  'remote.refresh': { request: empty, response: view<{ listedAt: number | null }>() },
  'activity.page': {
    request: z
      .object({
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
  'files.unsynced': { request: empty, response: view<NotSyncedEntry[]>() },
  'files.retry': { request: z.object({ path: text(4096).min(1) }).strict(), response: view<null>() },
  'sync.pause': {
    // Until a moment (ms since epoch), or until resumed when absent.
    request: z.object({ until: z.number().int().positive().optional() }).strict(),
    response: view<null>(),
  },
  'sync.resume': { request: empty, response: view<null>() },
  /**
   * One pass now; answers when it is over, saying what it found. While paused the pause stays unless
   * `resume` (the window asks which the person wants).
   */
  'sync.now': {
    request: z.object({ resume: z.boolean().optional() }).strict(),
    response: view<{ message: string }>(),
  },
  'deletions.confirm': { request: empty, response: view<{ message: string }>() },
  'deletions.keep': { request: empty, response: view<null>() },
  'settings.get': { request: empty, response: view<PairSettings>() },
  'settings.update': { request: pairSettingsPatchSchema, response: view<PairSettings>() },
  'pair.open': {
    request: pairConfigSchema
      // The person said yes to a very large folder's first sync (asked after a 'needs-confirmation').
      .extend({ token: text(4096).optional(), confirmLargeFolder: z.boolean().optional() })
      .strict(),
    response: view<AppView>(),
  },
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
  'token.set': { request: z.object({ token: text(4096).min(1) }).strict(), response: view<AppView>() },
  'ignore.read': { request: empty, response: view<{ text: string }>() },
  'ignore.write': { request: z.object({ text: text(256 * 1024) }).strict(), response: view<null>() },
  'preferences.update': { request: z.object({ theme: themeSchema }).strict(), response: view<AppView>() },
  /** The desktop app's native folder picker; `unsupported` in a browser. */
  'desktop.pickFolder': { request: empty, response: view<{ path: string | null }>() },
  /** Opens the pair's folder in the file manager (desktop app only). */
  'desktop.openFolder': { request: empty, response: view<null>() },
  /** Shows one of the folder's files (a path relative to the folder) in the file manager. */
  'desktop.showInFolder': { request: z.object({ path: text(4096).min(1) }).strict(), response: view<null>() },
  'desktop.update': {
    request: z
      .object({ notifications: z.boolean().optional(), startAtLogin: z.boolean().optional() })
      .strict(),
    response: view<AppView>(),
  },
  /** After a `keychain-unavailable` error: keep tokens in memory until Hoist quits. */
  'credentials.useSessionOnly': { request: empty, response: view<AppView>() },
  'conflicts.list': { request: empty, response: view<ConflictView[]>() },
  'conflicts.resolve': {
    request: z
      .object({ path: text(4096).min(1), resolution: z.enum(['keep-both', 'replace', 'ignore']) })
      .strict(),
    response: view<{ message: string }>(),
  },
} as const;

export const events = {
  /** The pair's status, coalesced: at most about ten a second. */
  status: view<StatusView>(),
  /** Something the renderer shows changed: re-read the rows on screen. Never carries the rows. */
  changed: view<{ remote: boolean; local: boolean; activity: boolean }>(),
  problem: view<SyncErrorInfo>(),
  deletion: view<DeletionProgressView>(),
  /** The app's configuration changed (another pair, a token set, the theme). */
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
  'no-pair', // the command needs a pair and none is open
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
