import { z } from 'zod';

// The Alloy dialect's answers (API.md), apart from alloy-provider.ts so that zod (95 modules,
// ~0.08 s of start-up, docs/benchmarks.md, issue 18) loads with the first answer that has a body
// to check, not with the provider: an empty folder's repeat run gets only a 304 to its listing.

const ticketAnswerSchema = z.object({
  md5: z.string().optional(),
  presignedUrl: z.string().optional(),
  type: z.enum(['new', 'existing']),
  s3Key: z.string().min(1),
  // The reference remote's extension (docs/reference-remote.md §2); absent from real Alloy.
  replaces: z.boolean().optional(),
});

export const ticketSchema = z.object({ presignedUrl: ticketAnswerSchema });

/** The `presignedUrl` object of a ticket answer, as checked. */
export type TicketAnswer = z.infer<typeof ticketAnswerSchema>;

// The reference remote's batch of tickets (docs/reference-remote.md §2): a ticket or a refusal per file.
export const ticketBatchSchema = z.object({
  tickets: z.array(
    z.union([
      z.object({ presignedUrl: ticketAnswerSchema }),
      z.object({ error: z.object({ message: z.string().optional(), code: z.unknown().optional() }) }),
    ]),
  ),
});

// The list has no pages: it is read as it arrives (unpaged-listing.ts), each file checked and
// converted on its own, so a million of them never sit in memory at once.
export const listedFileSchema = z.object({
  s3Key: z.string().min(1),
  filename: z.string(),
  size: z.unknown().optional(),
  lastModified: z.unknown().optional(),
});

export type ListedFile = z.infer<typeof listedFileSchema>;
