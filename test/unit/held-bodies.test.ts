import { describe, expect, it } from 'vitest';
import { HeldBodies, type HeldBody } from '../../electron/engine/upload/held-bodies.js';

function body(size: number, md5 = 'm'): HeldBody {
  return { md5, stat: { size, mtimeMs: 1, inode: 1 }, bytes: Buffer.alloc(size) };
}

describe('HeldBodies', () => {
  it('never holds more than its budget: what does not fit is not kept', () => {
    const bodies = new HeldBodies(100);
    expect(bodies.keep('a', body(60))).toBe(true);
    expect(bodies.hasRoom(41)).toBe(false);
    expect(bodies.keep('b', body(41))).toBe(false);
    expect(bodies.take('b')).toBeUndefined();
    expect(bodies.keep('c', body(40))).toBe(true);
    expect(bodies.bytes).toBe(100);
  });

  it('counts a body taken for its upload until it is released', () => {
    const bodies = new HeldBodies(100);
    bodies.keep('a', body(80));
    const taken = bodies.take('a');
    expect(taken?.bytes.length).toBe(80);
    expect(bodies.take('a')).toBeUndefined();
    expect(bodies.hasRoom(30)).toBe(false);
    bodies.release(taken as HeldBody);
    expect(bodies.bytes).toBe(0);
    expect(bodies.hasRoom(100)).toBe(true);
  });

  it('replaces the body of a file hashed again, and drops those no longer queued', () => {
    const bodies = new HeldBodies(100);
    bodies.keep('a', body(50, 'old'));
    bodies.keep('a', body(30, 'new'));
    expect(bodies.bytes).toBe(30);
    bodies.keep('b', body(20));
    bodies.dropUnless((path) => path === 'b');
    expect(bodies.take('a')).toBeUndefined();
    expect(bodies.bytes).toBe(20);
    bodies.clear();
    expect(bodies.bytes).toBe(0);
    expect(bodies.take('b')).toBeUndefined();
  });
});
