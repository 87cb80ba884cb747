import { z } from 'zod';
import type { SyncStatus } from '../../../shared/sync-types.js';

/**
 * The messages between Electron main and the app core's utility process. Main relays renderer bridge
 * traffic (one numbered connection per window), asks for tray actions, answers keychain questions
 * (main owns the keychain) and asks the core to stop; the core reports readiness, every folder's row
 * (what the tray and notifications show), and its bridge replies. Both sides parse what they receive: a confused or
 * compromised peer is an error logged, not a crash.
 */

const connection = z.number().int().nonnegative();

export const TRAY_COMMANDS = ['sync-now', 'pause', 'resume'] as const;

/** What only main can do for the app core: the native folder picker and the file manager. */
export const SHELL_ACTIONS = ['pick-folder', 'show-in-folder', 'open-folder'] as const;

const mainToCore = z.discriminatedUnion('type', [
  z.object({ type: z.literal('bridge-open'), connection }),
  z.object({ type: z.literal('bridge-message'), connection, message: z.unknown() }),
  z.object({ type: z.literal('bridge-close'), connection }),
  z.object({
    type: z.literal('tray-command'),
    command: z.enum(TRAY_COMMANDS),
    /** For pause: when it ends (ms since the epoch), or null for "until resumed". */
    until: z.number().nullable(),
    /** The folder's id (a folder's submenu in the tray); absent: every folder. */
    folder: z.string().max(200).optional(),
  }),
  z.object({
    type: z.literal('credential-reply'),
    id: z.number().int(),
    kind: z.enum(['keychain', 'memory', 'none']),
    result: z.union([
      z.object({ ok: z.literal(true), value: z.union([z.string(), z.boolean(), z.null()]) }),
      z.object({ ok: z.literal(false), error: z.string(), keychainUnavailable: z.boolean() }),
    ]),
  }),
  z.object({
    type: z.literal('shell-reply'),
    id: z.number().int(),
    path: z.string().nullable(),
    error: z.string().optional(),
  }),
  z.object({
    type: z.literal('desktop-settings-reply'),
    id: z.number().int(),
    settings: z.object({ notifications: z.boolean(), startAtLogin: z.boolean() }),
  }),
  z.object({ type: z.literal('stop') }),
]);

/**
 * One configured folder as the core reports it (HoistApp.overview's row and the folder's path): the
 * tray summarises every row, and a folder's submenu opens `path` and names `id` in its commands.
 */
const folderRow = z.object({
  id: z.string().max(200),
  name: z.string().max(4096),
  path: z.string().max(4096),
  // The status itself is the engine's own type, produced by our code in the core; main only reads it.
  status: z.custom<SyncStatus | null>((value) => value === null || typeof value === 'object'),
  /** Why it could not be opened, in words; null when it is open or still opening. */
  openError: z.string().nullable(),
});

const coreToMain = z.discriminatedUnion('type', [
  z.object({ type: z.literal('ready') }),
  z.object({ type: z.literal('stopped') }),
  /** Every configured folder, in the configuration's order, whenever one of them changed. */
  z.object({ type: z.literal('status'), folders: z.array(folderRow) }),
  z.object({ type: z.literal('bridge-message'), connection, message: z.unknown() }),
  z.object({
    type: z.literal('credential-request'),
    id: z.number().int(),
    op: z.enum(['get', 'set', 'delete', 'use-session-only']),
    account: z.string().max(2048),
    token: z
      .string()
      .max(64 * 1024)
      .optional(),
  }),
  z.object({
    type: z.literal('shell-request'),
    id: z.number().int(),
    action: z.enum(SHELL_ACTIONS),
    path: z.string().max(4096).optional(),
  }),
  z.object({
    type: z.literal('desktop-settings-request'),
    id: z.number().int(),
    /** The switches to change; empty to read them. */
    change: z
      .object({ notifications: z.boolean().optional(), startAtLogin: z.boolean().optional() })
      .strict(),
  }),
  z.object({ type: z.literal('log'), line: z.string() }),
]);

export type MainToCore = z.infer<typeof mainToCore>;
export type CoreToMain = z.infer<typeof coreToMain>;
export type TrayCommand = (typeof TRAY_COMMANDS)[number];
export type CoreFolderRow = z.infer<typeof folderRow>;
export type CredentialRequest = Extract<CoreToMain, { type: 'credential-request' }>;
export type CredentialReply = Extract<MainToCore, { type: 'credential-reply' }>;
export type ShellRequest = Extract<CoreToMain, { type: 'shell-request' }>;
export type ShellReply = Extract<MainToCore, { type: 'shell-reply' }>;
export type DesktopSettingsRequest = Extract<CoreToMain, { type: 'desktop-settings-request' }>;
export type DesktopSettingsReply = Extract<MainToCore, { type: 'desktop-settings-reply' }>;
export type DesktopSettings = DesktopSettingsReply['settings'];

export function parseMainToCore(message: unknown): MainToCore | null {
  const parsed = mainToCore.safeParse(message);
  return parsed.success ? parsed.data : null;
}

export function parseCoreToMain(message: unknown): CoreToMain | null {
  const parsed = coreToMain.safeParse(message);
  return parsed.success ? parsed.data : null;
}
