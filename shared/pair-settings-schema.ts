import { z } from 'zod';

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
  })
  .partial()
  .strict();
