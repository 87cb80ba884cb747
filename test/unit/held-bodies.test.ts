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

  it('room reserved by hashes under way is not given to another, and each keeps its own', () => {
    const bodies = new HeldBodies(100);
    // Two hashes start while there is room for both: each reserves its size first.
    expect(bodies.hasRoom(60)).toBe(true);
    bodies.reserve(60);
    expect(bodies.hasRoom(40)).toBe(true);
    bodies.reserve(40);
    // A third must wait: the room is promised.
    expect(bodies.hasRoom(1)).toBe(false);
    // The first to finish keeps its body; the other still finds its room when it does.
    expect(bodies.keep('a', body(60))).toBe(true);
    bodies.unreserve(60);
    expect(bodies.keep('b', body(40))).toBe(true);
    bodies.unreserve(40);
    expect(bodies.bytes).toBe(100);
    expect(bodies.hasRoom(1)).toBe(false);
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
