import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { DEFAULT_OPENWEBUI_PROCESSING_MS } from '../server/dialects/openwebui-processing.js';
import {
  COMPOSIO_STORAGE_BACKENDS,
  faultPlanSchema,
  type ComposioStorageBackend,
  type FaultPlan,
} from '../server/faults.js';
import type { BackendOptions, ReferenceServerOptions } from '../server/reference-server.js';
import {
  DEFAULT_MULTIPART_EXPIRY_SECONDS,
  S3_MAX_PART_BYTES,
  S3_MIN_PART_BYTES,
} from '../server/storage/multipart-uploads.js';
import { UserDirectory, parseUserSpec, type UserSpec } from '../server/users.js';
import { defaultDataRoot } from '../host/data-paths.js';
import { UsageError } from './usage-error.js';

export const REMOTE_USAGE = `Usage: hoist remote [options]

Runs the reference remote: one server speaking the Alloy, Composio and Open WebUI file APIs.

Options:
  --port N               port to listen on (default 8765; 0 picks a free one)
  --host ADDR            address to listen on (default 127.0.0.1)
  --data DIR             where objects and metadata live (default <data root>/remote)
  --user NAME:TOKEN      a user; repeat for more; append :admin for Open WebUI's admin view
  --users-file FILE      JSON: [{"name": "...", "token": "...", "admin": false}]
  --backend fs|s3        where bytes are stored (default fs)
  --s3-bucket NAME       S3 bucket (backend s3; credentials from the AWS environment)
  --s3-endpoint URL      S3 endpoint, for MinIO or an emulator
  --s3-region REGION     S3 region (default us-east-1)
  --s3-path-style        path-style bucket addressing (emulators need it)
  --url-ttl SECONDS      presigned URL lifetime (default 3600)
  --max-size BYTES       largest accepted object (default 5 GiB)
  --min-part-size BYTES  smallest multipart part but the last (default 5 MiB, S3's)
  --multipart-ttl SECONDS
                         abort a multipart upload nobody touched for this long (default 86400)
  --public-url URL       base URL to put in presigned URLs (default the listen address)
  --faults JSON|@FILE    fault injection plan for tests (see README)
  --processing-ms N      Open WebUI: how long each new file's processing is pending (default 2000)
  --composio-storage s3|azure_blob_storage
                         the storage Composio's upload tickets name (default s3); azure_blob_storage
                         hands out Azure-style URLs that need x-ms-blob-type: BlockBlob
  --no-fsync             do not fsync uploads before committing them (faster, less durable)
  --quiet                do not log requests
`;

export interface RemoteCommandOptions {
  server: ReferenceServerOptions;
  /** True when no user was configured and a default one must be created. */
  needsDefaultUser: boolean;
  quiet: boolean;
}

const usersFileSchema = z.array(
  z.object({ name: z.string(), token: z.string(), admin: z.boolean().optional() }).strict(),
);

export async function parseRemoteOptions(
  argv: string[],
  env: NodeJS.ProcessEnv,
): Promise<RemoteCommandOptions> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        port: { type: 'string' },
        host: { type: 'string' },
        data: { type: 'string' },
        user: { type: 'string', multiple: true },
        'users-file': { type: 'string' },
        backend: { type: 'string' },
        's3-bucket': { type: 'string' },
        's3-endpoint': { type: 'string' },
        's3-region': { type: 'string' },
        's3-path-style': { type: 'boolean' },
        'url-ttl': { type: 'string' },
        'max-size': { type: 'string' },
        'min-part-size': { type: 'string' },
        'multipart-ttl': { type: 'string' },
        'public-url': { type: 'string' },
        faults: { type: 'string' },
        'processing-ms': { type: 'string' },
        'composio-storage': { type: 'string' },
        'no-fsync': { type: 'boolean' },
        quiet: { type: 'boolean' },
      },
    });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const values = parsed.values;
  const users: UserSpec[] = (values.user ?? []).map(userSpec);
  if (values['users-file'] !== undefined) users.push(...(await readUsersFile(values['users-file'])));
  checkUsers(users);
  const dataDir = resolve(values.data ?? join(defaultDataRoot(env), 'remote'));
  return {
    needsDefaultUser: users.length === 0,
    quiet: values.quiet === true,
    server: {
      dataDir,
      users,
      host: values.host ?? '127.0.0.1',
      port: integer(values.port, 'port', 8765, 0, 65535),
      backend: backendOptions(values),
      urlTtlSeconds: integer(values['url-ttl'], 'url-ttl', 3600, 1, 7 * 24 * 3600),
      maxObjectBytes: integer(values['max-size'], 'max-size', 5 * 1024 ** 3, 0, Number.MAX_SAFE_INTEGER),
      multipartMinPartBytes: integer(
        values['min-part-size'],
        'min-part-size',
        S3_MIN_PART_BYTES,
        1,
        S3_MAX_PART_BYTES,
      ),
      multipartExpirySeconds: integer(
        values['multipart-ttl'],
        'multipart-ttl',
        DEFAULT_MULTIPART_EXPIRY_SECONDS,
        1,
        365 * 24 * 3600,
      ),
      fsync: values['no-fsync'] !== true,
      openWebUiProcessingMs: integer(
        values['processing-ms'],
        'processing-ms',
        DEFAULT_OPENWEBUI_PROCESSING_MS,
        0,
        3_600_000,
      ),
      faults: values.faults !== undefined ? await readFaults(values.faults) : null,
      composioStorageBackend: composioStorage(values['composio-storage']),
      ...(values['public-url'] !== undefined
        ? { publicUrl: httpUrl(values['public-url'], 'public-url') }
        : {}),
    },
  };
}

function composioStorage(value: string | undefined): ComposioStorageBackend {
  if (value === undefined) return 's3';
  const backend = COMPOSIO_STORAGE_BACKENDS.find((name) => name === value);
  if (backend === undefined) {
    throw new UsageError(
      `--composio-storage must be ${COMPOSIO_STORAGE_BACKENDS.join(' or ')}, not ${value}`,
    );
  }
  return backend;
}

function backendOptions(values: Record<string, string | boolean | string[] | undefined>): BackendOptions {
  const kind = values.backend ?? 'fs';
  if (kind !== 'fs' && kind !== 's3') throw new UsageError(`--backend must be fs or s3, not ${String(kind)}`);
  if (kind === 'fs') {
    // S3 settings without the S3 backend are a mistake, not something to ignore silently.
    const stray = S3_OPTIONS.find((name) => values[name] !== undefined);
    if (stray !== undefined) throw new UsageError(`--${stray} needs --backend s3`);
    return { kind: 'fs' };
  }
  const bucket = values['s3-bucket'];
  if (typeof bucket !== 'string' || bucket === '') throw new UsageError('--backend s3 needs --s3-bucket');
  const endpoint = values['s3-endpoint'];
  return {
    kind: 's3',
    bucket,
    region: typeof values['s3-region'] === 'string' ? values['s3-region'] : 'us-east-1',
    forcePathStyle: values['s3-path-style'] === true,
    ...(typeof endpoint === 'string' ? { endpoint: httpUrl(endpoint, 's3-endpoint') } : {}),
  };
}

const S3_OPTIONS = ['s3-bucket', 's3-endpoint', 's3-region', 's3-path-style'] as const;

/** An absolute http(s) URL, or a usage error naming the option. */
function httpUrl(text: string, name: string): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new UsageError(`--${name} must be an http:// or https:// URL, not "${text}"`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new UsageError(`--${name} must be an http:// or https:// URL, not "${text}"`);
  }
  return text;
}

function userSpec(text: string): UserSpec {
  try {
    return parseUserSpec(text);
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

/** Bad names, short tokens and duplicates are the caller's mistake: say so before anything starts. */
function checkUsers(users: readonly UserSpec[]): void {
  if (users.length === 0) return;
  try {
    new UserDirectory(users);
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

function integer(text: string | undefined, name: string, fallback: number, min: number, max: number): number {
  if (text === undefined) return fallback;
  // Digits only: Number() would take "" and " " as 0, and "0x1F" or "1e3" as numbers.
  const value = /^[0-9]+$/.test(text) ? Number(text) : Number.NaN;
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    throw new UsageError(`--${name} must be an integer from ${min} to ${max}, not "${text}"`);
  }
  return value;
}

async function readUsersFile(file: string): Promise<UserSpec[]> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new UsageError(`Cannot read the users file ${file}: ${(error as Error).message}`);
  }
  try {
    return usersFileSchema.parse(JSON.parse(text));
  } catch {
    throw new UsageError(`The users file ${file} must be a JSON array of {"name", "token", "admin"?}`);
  }
}

async function readFaults(spec: string): Promise<FaultPlan> {
  let text = spec;
  if (spec.startsWith('@')) {
    try {
      text = await readFile(spec.slice(1), 'utf8');
    } catch (error) {
      throw new UsageError(`Cannot read the faults file ${spec.slice(1)}: ${(error as Error).message}`);
    }
  }
  try {
    return faultPlanSchema().parse(JSON.parse(text));
  } catch (error) {
    throw new UsageError(`--faults is not a valid fault plan: ${(error as Error).message}`);
  }
}
