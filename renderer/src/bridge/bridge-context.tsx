import { createContext, useContext, useEffect, useRef, useState } from 'react';
import type { BridgeClient } from '../../../shared/bridge/bridge-client.js';
import type { EventName, EventPayload } from '../../../shared/bridge/contract.js';

export const BridgeContext = createContext<BridgeClient | null>(null);

export function useBridge(): BridgeClient {
  const bridge = useContext(BridgeContext);
  if (!bridge) throw new Error('useBridge outside BridgeContext');
  return bridge;
}

/** Calls `listener` for each event; the latest listener is used without resubscribing. */
export function useBridgeEvent<E extends EventName>(
  event: E,
  listener: (payload: EventPayload<E>) => void,
): void {
  const bridge = useBridge();
  const latest = useRef(listener);
  latest.current = listener;
  useEffect(() => bridge.on(event, (payload) => latest.current(payload)), [bridge, event]);
}

/**
 * A value read with a command, read again whenever `reloadOn` says so; keeps the last good value
 * while re-reading, so nothing flickers. `error` is the message of the last failed read.
 */
export function useQuery<T>(
  read: () => Promise<T>,
  deps: readonly unknown[],
): { data: T | undefined; error: string | null; reload: () => void } {
  const [data, setData] = useState<T | undefined>(undefined);
  const [error, setError] = useState<string | null>(null);
  const [version, setVersion] = useState(0);
  useEffect(() => {
    let current = true;
    read().then(
      (value) => {
        if (!current) return;
        setData(value);
        setError(null);
      },
      (failure: Error) => current && setError(failure.message),
    );
    return () => {
      current = false;
    };
    // The caller lists what the read depends on (deps); `read` itself is a new closure each render.
  }, [...deps, version]);
  return { data, error, reload: () => setVersion((value) => value + 1) };
}

/**
 * A `reload` that runs at most once per `intervalMs` (a trailing call catches the last change): lists
 * that change with every uploaded file are re-read a few times a second at most.
 */
export function useThrottled(reload: () => void, intervalMs: number): () => void {
  const latest = useRef(reload);
  latest.current = reload;
  const state = useRef<{ last: number; timer: ReturnType<typeof setTimeout> | null }>({
    last: 0,
    timer: null,
  });
  useEffect(() => () => void (state.current.timer && clearTimeout(state.current.timer)), []);
  return useRef(() => {
    const current = state.current;
    if (current.timer) return;
    const wait = current.last + intervalMs - Date.now();
    const run = (): void => {
      current.timer = null;
      current.last = Date.now();
      latest.current();
    };
    if (wait <= 0) run();
    else current.timer = setTimeout(run, wait);
  }).current;
}
