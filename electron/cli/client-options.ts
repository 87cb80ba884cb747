import { checkPairSettingsPatch } from '../../shared/pair-settings-check.js';
import { realpath, stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { isProviderKind, PROVIDER_KINDS } from '../../shared/providers.js';
import type { PairSettings } from '../../shared/sync-types.js';
import { defaultDataRoot } from '../host/data-paths.js';
import { SyncError } from '../engine/sync-error.js';
import { parseDuration, parseRate } from './format.js';
import type { RemoteChoice } from '../host/remote-connection.js';
import { UsageError } from './usage-error.js';

export const REMOTE_OPTIONS_HELP = `Remote options (sync, ls, rm, status):
  --provider local|alloy|composio|openwebui   which API the remote speaks (default local)
  --remote URL         the remote's base URL (local without --remote: the embedded remote)
  --state DIR          where Hoist keeps state (default the data root)
  The API token comes from the HOIST_TOKEN environment variable, or else from the keychain
  entry hoist login saved.
`;

const REMOTE_ARGS = {
  provider: { type: 'string' },
  remote: { type: 'string' },
  state: { type: 'string' },
} as const;

export interface ParsedClientArgs {
  remote: RemoteChoice;
  values: Record<string, string | boolean | undefined>;
  positionals: string[];
}

/** Parses a client command's arguments: the shared remote options plus the command's own. */
export function parseClientArgs(
  argv: string[],
  env: NodeJS.ProcessEnv,
  own: Record<string, { type: 'string' | 'boolean' }>,
): ParsedClientArgs {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: true,
      options: { ...REMOTE_ARGS, ...own },
    });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const values = parsed.values as Record<string, string | boolean | undefined>;
  const provider = values.provider ?? 'local';
  if (typeof provider !== 'string' || !isProviderKind(provider))
    throw new UsageError(`--provider must be one of ${PROVIDER_KINDS.join(', ')}`);
  const remote = typeof values.remote === 'string' ? values.remote : undefined;
  return {
    remote: {
      provider,
      remote,
      stateRoot: resolve(typeof values.state === 'string' ? values.state : defaultDataRoot(env)),
      token: env.HOIST_TOKEN,
    },
    values,
    positionals: parsed.positionals,
  };
}

export function positiveInteger(
  value: string | boolean | undefined,
  name: string,
  fallback: number | undefined,
  max: number,
): number | undefined {
  if (value === undefined) return fallback;
  const number = Number(value);
  if (typeof value !== 'string' || !Number.isInteger(number) || number < 1 || number > max) {
    throw new UsageError(`--${name} must be an integer from 1 to ${max}`);
  }
  return number;
}

export function rate(value: string | boolean | undefined, name: string): number | undefined {
  if (value === undefined) return undefined;
  const parsed = typeof value === 'string' ? parseRate(value) : null;
  if (parsed === null) throw new UsageError(`--${name} must be a rate like 500K or 2M (bytes per second)`);
  return parsed;
}

/** A size flag (`100M`, `4K`, a number of bytes), at least 1 byte; undefined when absent. */
export function byteSize(value: string | boolean | undefined, name: string): number | undefined {
  if (value === undefined) return undefined;
  const parsed = typeof value === 'string' ? parseRate(value) : null;
  if (parsed === null || parsed < 1) throw new UsageError(`--${name} must be a size like 100M or 4K (bytes)`);
  return parsed;
}

/**
 * A duration flag (`10m`, `90s`, `1h`) in milliseconds, from `min` to `max`; `none` or `0` is null
 * where `none` is allowed (no limit). Undefined when the flag is absent.
 */
export function duration(
  value: string | boolean | undefined,
  name: string,
  range: { min: number; max: number; none?: boolean },
): number | null | undefined {
  if (value === undefined) return undefined;
  const text = typeof value === 'string' ? value.trim().toLowerCase() : '';
  if (range.none === true && (text === 'none' || text === '0')) return null;
  const ms = parseDuration(text);
  if (ms === null || ms < range.min || ms > range.max) {
    throw new UsageError(
      `--${name} must be a duration like 90s, 10m or 1h, from ${range.min / 1000} s to ${range.max / 3_600_000} h${range.none === true ? ', or none' : ''}`,
    );
  }
  return ms;
}

/**
 * The pair settings a command's flags set, only those given, checked by the same schema as settings
 * from the UI; a mistake names the flag. `flags` maps each setting to its flag and parsed value.
 */
export async function settingsFromFlags(
  flags: Partial<Record<keyof PairSettings, { flag: string; value: unknown }>>,
): Promise<Partial<PairSettings>> {
  const patch: Record<string, unknown> = {};
  for (const [name, given] of Object.entries(flags)) {
    if (given !== undefined && given.value !== undefined) patch[name] = given.value;
  }
  const parsed = await checkPairSettingsPatch(patch);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const name = String(issue?.path[0] ?? '') as keyof PairSettings;
  throw new UsageError(`${flags[name]?.flag ?? name} ${issue?.message ?? 'is not valid'}`);
}

/** The folder to sync, resolved through symlinks so one folder always maps to one pair. */
export async function resolveFolder(folder: string | undefined): Promise<string> {
  if (folder === undefined) throw new UsageError('Which folder? Usage: hoist sync <folder>');
  const absolute = resolve(folder);
  let info;
  try {
    info = await stat(absolute);
  } catch {
    throw new SyncError('config', `The folder ${absolute} does not exist`);
  }
  // Not a usage error: the command was right, the folder is not one, so one line and no usage text.
  if (!info.isDirectory()) throw new SyncError('config', `${absolute} is a file, not a folder`);
  return realpath(absolute);
}
