import { z } from 'zod';

// The multipart answers of the Alloy dialect (docs/reference-remote.md §2a), apart from
// alloy-multipart.ts so that zod loads with the first of them, not at start-up (issue 18).

export const createdSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('existing'), s3Key: z.string().min(1) }),
  z.object({
    type: z.literal('new'),
    uploadId: z.string().min(1),
    s3Key: z.string().min(1),
    size: z.number().int().nonnegative(),
    partSize: z.number().int().positive(),
    partCount: z.number().int().positive(),
    minPartSize: z.number().int().positive().optional(),
    maxParts: z.number().int().positive().optional(),
    replaces: z.boolean().optional(),
  }),
]);

export const partUrlsSchema = z.object({
  parts: z.array(
    z.object({
      partNumber: z.number().int().positive(),
      url: z.string().min(1),
      md5: z.string().min(1),
      expiresAt: z.string(),
    }),
  ),
});

export const listingSchema = z.object({
  uploadId: z.string().min(1),
  s3Key: z.string().min(1),
  md5: z.string().min(1),
  size: z.number().int().nonnegative(),
  partSize: z.number().int().positive(),
  partCount: z.number().int().positive(),
  parts: z.array(
    z.object({
      partNumber: z.number().int().positive(),
      etag: z.string(),
      size: z.number().int().nonnegative(),
    }),
  ),
});

export const completedSchema = z.object({ s3Key: z.string().min(1) });
