/**
 * Lets a test wait for a condition on what a watcher reported, not for a time: call `notify()`
 * after recording each report; `until` resolves as soon as the condition holds, and fails after
 * `timeoutMs` with `what` and whatever `context()` says was seen.
 */
export function conditionWaiters(timeoutMs: number, context: () => string) {
  const waiters = new Set<() => void>();
  const notify = (): void => waiters.forEach((check) => check());
  const until = (condition: () => boolean, what: string): Promise<void> =>
    new Promise((resolve, reject) => {
      const check = (): void => {
        if (!condition()) return;
        clearTimeout(timer);
        waiters.delete(check);
        resolve();
      };
      const timer = setTimeout(() => {
        waiters.delete(check);
        reject(new Error(`no ${what} within ${timeoutMs} ms; ${context()}`));
      }, timeoutMs);
      waiters.add(check);
      check();
    });
  return { notify, until };
}
