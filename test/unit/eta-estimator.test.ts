import { describe, expect, it } from 'vitest';
import { EtaEstimator } from '../../renderer/src/eta.js';

const progress = (filesDone: number, filesTotal: number, bytesDone: number, bytesTotal: number) => ({
  filesDone,
  filesTotal,
  bytesDone,
  bytesTotal,
  rate: 0,
  etaSeconds: null,
});

describe('the ETA the sync window shows', () => {
  it('says nothing until the batch has run a few seconds', () => {
    const eta = new EtaEstimator();
    expect(eta.update(progress(0, 100, 0, 1000), 0)).toBeNull();
    expect(eta.update(progress(10, 100, 100, 1000), 1000)).toBeNull();
  });

  it('counts the per-file cost: many small files are not "done in a second" because their bytes are few', () => {
    const eta = new EtaEstimator();
    // 10,000 files of 100 bytes, 50 files a second: bytes alone would say ~0 s left.
    eta.update(progress(0, 10_000, 0, 1_000_000), 0);
    const estimate = eta.update(progress(500, 10_000, 50_000, 1_000_000), 10_000);
    expect(estimate).not.toBeNull();
    expect(estimate as number).toBeGreaterThan(150);
  });

  it('does not jump when one slow file stalls the batch for a moment', () => {
    const eta = new EtaEstimator();
    eta.update(progress(0, 1000, 0, 100_000_000), 0);
    let last = eta.update(progress(100, 1000, 10_000_000, 100_000_000), 10_000) as number;
    // A big slow file: 5 s with almost no progress.
    const after = eta.update(progress(101, 1000, 10_100_000, 100_000_000), 15_000) as number;
    const raw = ((1000 - 101) * 15) / 101;
    expect(Math.abs(after - last)).toBeLessThan(Math.abs(raw - last));
    last = after;
    expect(last).toBeGreaterThan(0);
  });

  it('starts over when the batch is done', () => {
    const eta = new EtaEstimator();
    eta.update(progress(0, 10, 0, 100), 0);
    expect(eta.update(progress(10, 10, 100, 100), 5000)).toBeNull();
    expect(eta.update(progress(0, 5, 0, 50), 6000)).toBeNull();
  });
});
