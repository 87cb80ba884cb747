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
    // 0 means unlimited; below 1 KB/s (the smallest the Settings field can say) an upload would look hung.
    bandwidthLimit: z
      .number()
      .int()
      .refine((value) => value === 0 || value >= 1000, {
        message: 'must be 0 (unlimited) or at least 1000 bytes per second (1 KB/s)',
      }),
    refreshIntervalSeconds: z.number().int().min(10).max(86_400),
    remoteFolder: remoteFolderSchema,
    // Above it a file goes up in one PUT, which S3 caps at 5 GiB: a higher threshold would leave the
    // files between the two with no way up.
    multipartThreshold: z
      .number()
      .int()
      .min(1)
      .max(5 * 1024 ** 3, { message: 'must be at most 5 GiB (one upload takes at most 5 GiB)' }),
  })
  .partial()
  .strict();
