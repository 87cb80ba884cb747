import { describe, expect, it } from 'vitest';
import { statusCounts, statusSentence } from '../../renderer/src/status-words.js';
import type { SyncStatus } from '../../shared/sync-types.js';

function status(overrides: Partial<SyncStatus> = {}): SyncStatus {
  return {
    state: 'idle',
    folder: '/home/ada/Notes',
    provider: 'local',
    remoteLabel: 'This computer',
    counts: {
      total: 296,
      synced: 294,
      pending: 1,
      uploading: 0,
      failed: 1,
      conflict: 0,
      ignored: 0,
      deleted: 0,
    },
    notSynced: { needsAttention: 3, onPurpose: 2, notTracked: 1, uploadedButUnusable: 0 },
    progress: { filesDone: 0, filesTotal: 0, bytesDone: 0, bytesTotal: 0, rate: 0, etaSeconds: null },
    lastSyncAt: null,
    lastRemoteRefreshAt: null,
    problems: [],
    paused: false,
    pausedUntil: null,
    ...overrides,
  };
}

// No decimal or thousands separators in the figures: they read the same in every locale.
describe('the window’s headline and the line under it count the same thing', () => {
  it('at rest: "Up to date except 3 files" beside "294 of 297 files synced"', () => {
    expect(statusSentence(status(), null)).toEqual({ tone: 'attention', text: 'Up to date except 3 files' });
    // 296 tracked + 1 name the walk could not take in: 297 that should be synced, 3 of them are not.
    expect(statusCounts(status())).toBe('294 of 297 files synced · 2 skipped on purpose');
    const one = status({
      notSynced: { needsAttention: 1, onPurpose: 0, notTracked: 0, uploadedButUnusable: 0 },
    });
    expect(statusSentence(one, null).text).toBe('Up to date except 1 file');
    const clean = status({
      counts: { ...status().counts, synced: 1, total: 1, pending: 0, failed: 0 },
      notSynced: { needsAttention: 0, onPurpose: 0, notTracked: 0, uploadedButUnusable: 0 },
    });
    expect(statusSentence(clean, null)).toEqual({ tone: 'ok', text: 'Up to date' });
    expect(statusCounts(clean)).toBe('1 of 1 file synced');
  });

  it('while syncing: both count the batch, and the time left reads whole', () => {
    const syncing = status({
      state: 'syncing',
      progress: {
        filesDone: 6,
        filesTotal: 119,
        bytesDone: 41_000_000,
        bytesTotal: 2_000_000_000,
        rate: 0,
        etaSeconds: null,
      },
    });
    expect(statusSentence(syncing, 30).text).toMatch(
      /^Syncing 6 of 119 · 41 MB of 2 GB · less than a minute left$/,
    );
    expect(statusSentence(syncing, 240).text).toMatch(/· about 4 min left$/);
    expect(statusCounts(syncing)).toBe('6 of 119 files in this sync');
  });
});
