/**
 * What an upload waits for before a body goes out, and before each chunk of it: a transfer slot and
 * bytes of bandwidth. A pair has its own (its settings); an app syncing several folders adds one
 * budget shared by all of them (host/machine-resources.ts), so five folders never mean five times
 * the connections or the bandwidth. A folder's own limit can only be lower than the app's.
 */
export interface TransferGate {
  run<T>(work: () => Promise<T>, signal?: AbortSignal): Promise<T>;
}

export interface ByteGate {
  take(bytes: number, signal?: AbortSignal): Promise<void>;
}

/** The budget several pairs share: the app-wide "uploads at once" and bandwidth limit. */
export interface SharedUploadBudget {
  slots: TransferGate;
  bytes: ByteGate;
}

/**
 * The folder's slot first, then the app's: a folder at its own limit waits without holding one of
 * the app's slots, which another folder could use meanwhile.
 */
export function bothGates(own: TransferGate, shared: TransferGate): TransferGate {
  return { run: (work, signal) => own.run(() => shared.run(work, signal), signal) };
}

/** Each chunk is paid for in both buckets: the folder's limit and the app's. */
export function bothByteGates(own: ByteGate, shared: ByteGate): ByteGate {
  return {
    take: async (bytes, signal) => {
      await own.take(bytes, signal);
      await shared.take(bytes, signal);
    },
  };
}
