import { createRequire } from 'node:module';
import type * as zod from 'zod';
import type { z } from 'zod';

export const COMPOSIO_STORAGE_BACKENDS = ['s3', 'azure_blob_storage'] as const;
export type ComposioStorageBackend = (typeof COMPOSIO_STORAGE_BACKENDS)[number];

/**
 * The schemas of a fault plan, built with the zod given. zod is 95 modules and ~0.08 s of start-up
 * (docs/benchmarks.md, issue 18), and every run of the embedded remote loads this file while almost
 * none sets a plan: zod is required only when one is (`faultPlanSchema()`).
 */
function buildSchemas(z: typeof zod.z) {
  const routeFaults = z
    .object({
      latencyMs: z.union([z.number().min(0), z.tuple([z.number().min(0), z.number().min(0)])]).optional(),
      errorRate: z.number().min(0).max(1).optional(),
      errorStatus: z.number().int().min(500).max(599).optional(),
      throttleRate: z.number().min(0).max(1).optional(),
      retryAfterSeconds: z.number().int().min(0).optional(),
      resetRate: z.number().min(0).max(1).optional(),
      /** Presigned URLs only: answer "Request has expired" although the URL is still valid. */
      expireRate: z.number().min(0).max(1).optional(),
      /**
       * Open WebUI uploads only: the file is stored, but its processing (the text extraction that lets
       * the AI read it) fails, reported as `data.status: failed` with a reason.
       */
      processingFailRate: z.number().min(0).max(1).optional(),
      /**
       * Part PUTs only (`object.put-part`, fs backend): one byte of the part is flipped as it arrives,
       * as a bad link would, so the part's Content-MD5 check refuses it (400 BadDigest).
       */
      corruptRate: z.number().min(0).max(1).optional(),
      /** At most this many faulty answers (of any action) on this route while the plan is set. */
      limit: z.number().int().min(0).optional(),
    })
    .strict();

  const faultPlan = z
    .object({
      seed: z.number().int(),
      routes: z.record(z.string(), routeFaults),
      /**
       * Not a fault but a choice the service makes per upload: the storage behind Composio's upload
       * URLs. `azure_blob_storage` hands out Azure-style URLs that refuse a PUT without
       * `x-ms-blob-type: BlockBlob`. Overrides the server's own option while the plan is set.
       */
      composioStorageBackend: z.enum(COMPOSIO_STORAGE_BACKENDS).optional(),
    })
    .strict();
  return { routeFaults, faultPlan };
}

type FaultSchemas = ReturnType<typeof buildSchemas>;
export type RouteFaults = z.infer<FaultSchemas['routeFaults']>;
export type FaultPlan = z.infer<FaultSchemas['faultPlan']>;

let schemas: FaultSchemas | null = null;

/**
 * The fault plan's schema, zod loaded on first use. Synchronously, through require (zod ships
 * CommonJS too): `FaultInjector.set` is synchronous for its callers (tests, the CLI), and the copy
 * of zod it loads costs only the runs that inject faults.
 */
export function faultPlanSchema(): FaultSchemas['faultPlan'] {
  schemas ??= buildSchemas((createRequire(import.meta.url)('zod') as typeof zod).z);
  return schemas.faultPlan;
}

export type FaultAction =
  | { kind: 'none' }
  | { kind: 'error'; status: number }
  | { kind: 'throttle'; retryAfterSeconds: number }
  | { kind: 'reset' }
  | { kind: 'expire' }
  | { kind: 'fail-processing' }
  | { kind: 'corrupt' };

export interface FaultDecision {
  latencyMs: number;
  action: FaultAction;
}

const NO_FAULT: FaultDecision = { latencyMs: 0, action: { kind: 'none' } };

/**
 * Seeded fault injection for tests, off unless a plan is set. Each route draws from its own PRNG
 * (seeded from the plan seed and the route name), so the faults one route sees repeat run after run
 * however requests to other routes interleave.
 */
export class FaultInjector {
  private plan: FaultPlan | null = null;
  private readonly streams = new Map<string, () => number>();
  /** Faulty answers per route since the plan was set, for the rules' `limit`. */
  private readonly faulted = new Map<string, number>();

  constructor(plan: FaultPlan | null = null) {
    this.set(plan);
  }

  set(plan: FaultPlan | null): void {
    this.plan = plan === null ? null : faultPlanSchema().parse(plan);
    this.streams.clear();
    this.faulted.clear();
  }

  get active(): boolean {
    return this.plan !== null;
  }

  /** The plan's choice of Composio storage backend; null when the plan makes none. */
  get composioStorageBackend(): ComposioStorageBackend | null {
    return this.plan?.composioStorageBackend ?? null;
  }

  decide(routeName: string): FaultDecision {
    if (this.plan === null) return NO_FAULT;
    const faults = this.rulesFor(routeName);
    if (faults === null) return NO_FAULT;
    const random = this.stream(routeName);
    // Always draw twice so one request consumes the same amount of randomness whatever it decides.
    const latencyDraw = random();
    const actionDraw = random();
    const latencyMs = latencyFor(faults.latencyMs, latencyDraw);
    let threshold = 0;
    const candidates: Array<[number | undefined, () => FaultAction]> = [
      [faults.errorRate, () => ({ kind: 'error', status: faults.errorStatus ?? 500 })],
      [faults.throttleRate, () => ({ kind: 'throttle', retryAfterSeconds: faults.retryAfterSeconds ?? 1 })],
      [faults.resetRate, () => ({ kind: 'reset' })],
      [faults.expireRate, () => ({ kind: 'expire' })],
      [faults.processingFailRate, () => ({ kind: 'fail-processing' })],
      [faults.corruptRate, () => ({ kind: 'corrupt' })],
    ];
    const faulted = this.faulted.get(routeName) ?? 0;
    if (faults.limit !== undefined && faulted >= faults.limit) return { latencyMs, action: { kind: 'none' } };
    for (const [rate, action] of candidates) {
      threshold += rate ?? 0;
      if (actionDraw < threshold) {
        this.faulted.set(routeName, faulted + 1);
        return { latencyMs, action: action() };
      }
    }
    return { latencyMs, action: { kind: 'none' } };
  }

  /** `*`, then `prefix.*` patterns, then the exact name; later ones override field by field. */
  private rulesFor(routeName: string): RouteFaults | null {
    const routes = this.plan?.routes ?? {};
    const matching = Object.entries(routes)
      .filter(
        ([pattern]) =>
          pattern === '*' ||
          pattern === routeName ||
          (pattern.endsWith('.*') && routeName.startsWith(pattern.slice(0, -1))),
      )
      .sort(([a], [b]) => specificity(a) - specificity(b));
    if (matching.length === 0) return null;
    // A field present but undefined (possible in a plan built in code) must not erase a broader rule's value.
    const merged: Record<string, unknown> = {};
    for (const [, faults] of matching) {
      for (const [field, value] of Object.entries(faults)) if (value !== undefined) merged[field] = value;
    }
    return merged as RouteFaults;
  }

  private stream(routeName: string): () => number {
    let stream = this.streams.get(routeName);
    if (!stream) {
      stream = mulberry32(hashSeed(this.plan?.seed ?? 0, routeName));
      this.streams.set(routeName, stream);
    }
    return stream;
  }
}

function specificity(pattern: string): number {
  if (pattern === '*') return 0;
  return pattern.endsWith('.*') ? 1 : 2;
}

function latencyFor(latency: RouteFaults['latencyMs'], draw: number): number {
  if (latency === undefined) return 0;
  if (typeof latency === 'number') return latency;
  const [min, max] = latency;
  return Math.round(min + (max - min) * draw);
}

/** mulberry32: tiny, fast and good enough to make test faults (and bench inputs) repeatable. */
export function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function hashSeed(seed: number, text: string): number {
  let hash = (seed ^ 0x811c9dc5) >>> 0;
  for (let index = 0; index < text.length; index++) {
    hash = Math.imul(hash ^ text.charCodeAt(index), 0x01000193) >>> 0;
  }
  return hash;
}
