import type { PairSettings } from './sync-types.js';
import type { pairSettingsPatchSchema } from './pair-settings-schema.js';

type Checked = ReturnType<typeof pairSettingsPatchSchema.safeParse>;

/**
 * A settings change checked by the shared schema (shared/pair-settings-schema.ts), which is loaded
 * (with zod: 95 modules, ~0.08 s of start-up, docs/benchmarks.md, issue 18) only when there is
 * something to check. An empty plain object is what nearly every run passes (no setting flags, no
 * stored settings) and is the one answer the schema always accepts unchanged, so it is answered
 * here: the check is exactly as strict, without zod on the path of a run that changes nothing.
 */
export async function checkPairSettingsPatch(patch: unknown): Promise<Checked> {
  if (isEmptyPlainObject(patch)) return { success: true, data: {} satisfies Partial<PairSettings> };
  const { pairSettingsPatchSchema: schema } = await import('./pair-settings-schema.js');
  return schema.safeParse(patch);
}

function isEmptyPlainObject(value: unknown): boolean {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const prototype: unknown = Object.getPrototypeOf(value);
  return (prototype === Object.prototype || prototype === null) && Reflect.ownKeys(value).length === 0;
}
