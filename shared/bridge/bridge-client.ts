import type {
  BridgeErrorView,
  CommandName,
  CommandRequest,
  CommandResponse,
  EventName,
  EventPayload,
  HostMessage,
} from './contract.js';

/** How the renderer reaches its host: Electron's preload exposes exactly this as `window.hoistBridge`. */
export interface BridgeTransport {
  send(message: unknown): void;
  onMessage(listener: (message: unknown) => void): () => void;
}

/** A failed command, with the host's code and a message for people. */
export class BridgeError extends Error {
  constructor(
    readonly code: BridgeErrorView['code'],
    message: string,
  ) {
    super(message);
    this.name = 'BridgeError';
  }
}

type Listener = (payload: never) => void;

/**
 * The renderer's side of the bridge: typed calls that resolve with the host's answer, and typed event
 * subscriptions. Knows nothing of the transport beyond send and receive.
 */
export class BridgeClient {
  private nextId = 1;
  private readonly pending = new Map<
    number,
    { resolve: (value: unknown) => void; reject: (error: Error) => void }
  >();
  private readonly listeners = new Map<EventName, Set<Listener>>();
  private readonly detach: () => void;

  constructor(private readonly transport: BridgeTransport) {
    this.detach = transport.onMessage((message) => this.receive(message));
  }

  call<C extends CommandName>(command: C, payload: CommandRequest<C>): Promise<CommandResponse<C>> {
    const id = this.nextId++;
    return new Promise<CommandResponse<C>>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
      this.transport.send({ type: 'request', id, command, payload });
    });
  }

  on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void {
    let set = this.listeners.get(event);
    if (!set) this.listeners.set(event, (set = new Set()));
    set.add(listener as Listener);
    return () => set.delete(listener as Listener);
  }

  /** Fails every call still waiting (the connection is gone) and stops listening. */
  close(reason = 'The connection to Hoist closed'): void {
    this.detach();
    for (const { reject } of this.pending.values()) reject(new BridgeError('failed', reason));
    this.pending.clear();
  }

  private receive(raw: unknown): void {
    const message = (typeof raw === 'string' ? safeParse(raw) : raw) as HostMessage | null;
    if (message === null || typeof message !== 'object') return;
    if (message.type === 'event') {
      for (const listener of this.listeners.get(message.event) ?? []) {
        (listener as (payload: unknown) => void)(message.payload);
      }
      return;
    }
    if (message.type !== 'response' || message.id === null) return;
    const waiting = this.pending.get(message.id);
    if (!waiting) return;
    this.pending.delete(message.id);
    if (message.ok) waiting.resolve(message.result);
    else waiting.reject(new BridgeError(message.error.code, message.error.message));
  }
}

function safeParse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}
