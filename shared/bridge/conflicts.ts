/**
 * A conflict as the never-overwrite issue (7) describes it: a local file that could not go to the
 * remote without overwriting something, with both sides, so the UI can offer keep both, replace or
 * ignore. Mirrors `ConflictView` of shared/sync-types.ts once that issue is merged.
 */
export interface ConflictInfo {
  path: string;
  remoteName: string;
  local: { size: number; modifiedAt: number };
  remote: { key: string; size: number | null; lastModified: number | null; origin: string | null };
  reason: 'name-taken' | 'replaced-on-remote' | 'same-local-name';
  message: string;
}

export type ConflictResolution = 'keep-both' | 'replace' | 'ignore';
