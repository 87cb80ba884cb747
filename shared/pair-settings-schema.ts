import { z } from 'zod';

/**
 * A folder name on the remote: '' for none, else one or more `/`-separated names, none empty, `.` or
 * `..`, and short enough to leave room for the file names under it.
 */
export const remoteFolderSchema = z
  .string()
  .max(100, { message: 'must be at most 100 characters' })
  .transform((value) => value.trim().replace(/^\/+|\/+$/g, ''))
  .refine(
    (value) =>
      value === '' || value.split('/').every((part) => part.trim() !== '' && part !== '.' && part !== '..'),
    {
      message: 'must be folder names separated by "/", none of them empty, "." or ".."',
    },
  );

/**
 * A change to a pair's settings, as a host receives it (from the UI over the bridge, or the CLI):
 * untrusted until it passes here. Unknown fields are refused rather than stored.
 */
export const pairSettingsPatchSchema = z
  .object({
    mirrorDeletions: z.boolean(),
    concurrency: z.number().int().min(1).max(64),
    // 0 means unlimited; below ~1 KiB/s an upload would look hung rather than slow.
    bandwidthLimit: z
      .number()
      .int()
      .refine((value) => value === 0 || value >= 1024, {
        message: 'must be 0 (unlimited) or at least 1024 bytes per second',
      }),
    refreshIntervalSeconds: z.number().int().min(10).max(86_400),
    remoteFolder: remoteFolderSchema,
  })
  .partial()
  .strict();
