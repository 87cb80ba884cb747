import { expect, it } from 'vitest';
import { BackgroundWork } from '../../electron/engine/background-work.js';

const later = (): { promise: Promise<void>; resolve: () => void; reject: (error: Error) => void } => {
  let resolve!: () => void;
  let reject!: (error: Error) => void;
  const promise = new Promise<void>((yes, no) => {
    resolve = yes;
    reject = no;
  });
  return { promise, resolve, reject };
};

it('close waits for every task started before it, including one a task started', async () => {
  const failures: unknown[] = [];
  const work = new BackgroundWork((error) => failures.push(error));
  const first = later();
  const second = later();
  let finished = 0;
  work.start(async () => {
    await first.promise;
    finished++;
  });
  work.start(async () => {
    await second.promise;
    finished++;
  });
  let closed = false;
  const closing = work.close().then(() => (closed = true));
  first.resolve();
  await new Promise((resolve) => setImmediate(resolve));
  expect(closed).toBe(false);
  second.resolve();
  await closing;
  expect(finished).toBe(2);
  expect(failures).toEqual([]);
});

it('a failure goes to onFailure, never unhandled; nothing starts once closing', async () => {
  const failures: unknown[] = [];
  const work = new BackgroundWork((error) => failures.push(error));
  const task = later();
  work.start(() => task.promise);
  task.reject(new Error('disk gone'));
  await new Promise((resolve) => setImmediate(resolve));
  expect(failures).toEqual([new Error('disk gone')]);
  await work.close();
  let ran = false;
  work.start(async () => {
    ran = true;
  });
  await new Promise((resolve) => setImmediate(resolve));
  expect(ran).toBe(false);
});
