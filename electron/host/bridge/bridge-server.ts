// Just past 300 lines: the bridge's one server (parse, route to a handler, coalesce events per
// folder, answer errors in words); the handlers themselves live in command-handlers.ts.
import {
  MAX_MESSAGE_CHARS,
  commands,
  isCommandName,
  requestEnvelopeSchema,
  type BridgeErrorCode,
  type CommandName,
  type DeletionProgressView,
  type EventName,
  type HostMessage,
} from '../../../shared/bridge/contract.js';
import { SyncError } from '../../engine/sync-error.js';
import { KeychainUnavailableError } from '../credentials/credential-store.js';
import { keychainProblem } from '../credentials/open-keychain.js';
import type { HoistApp } from '../hoist-app.js';
import { RemoteDeletionRunner } from '../remote-deletion-runner.js';
import type { CredentialStore } from '../web/session-credentials.js';
import { handlers, type HandlerContext } from './command-handlers.js';
import { EventThrottle } from './event-throttle.js';
import { HandlerError } from './handler-error.js';

type Send = (message: unknown) => void;

export interface BridgeConnection {
  receive(message: unknown): void;
  close(): void;
}

// Status and progress: about seven a second is smooth (the bar animates between updates). List changes
// make the renderer re-read the rows on screen (one answer per list shown), so two a second: measured
// over a 10,000-file sync, status at 10/s and changes at 4/s came to 23.6 messages a second in all
// (goal < 20); these intervals keep it near 12.
const STATUS_INTERVAL_MS = 150;
const CHANGED_INTERVAL_MS = 500;
// What one connection may have in flight (being handled or awaited). The window has a few at a time
// (a screen's reads, two pages of remote files ahead); past this a request is answered 'busy' at once,
// so a client sending without waiting costs a small answer each, not a page of files held in memory
// (issue 15: 6,000 remote.page requests grew the process to 1.4–3.5 GB). Replies a client does not
// read are bounded by the transport (web/bridge-socket.ts).
export const MAX_IN_FLIGHT = 64;

interface ParsedRequest {
  id: number;
  command: CommandName;
  payload: unknown;
}

/**
 * The host side of the bridge, transport-agnostic: one `connect` per client connection (a WebSocket,
 * an Electron window). Every incoming message is size-checked, parsed and validated against the
 * contract before it reaches the app; anything wrong gets a typed error answer and a log line, never
 * a crash. Events are coalesced once for all connections.
 */
export class BridgeServer {
  private readonly connections = new Set<Send>();
  private readonly context: HandlerContext;
  private readonly statusThrottle: EventThrottle;
  private readonly changedThrottle: EventThrottle;
  private readonly deletionThrottle: EventThrottle;
  private readonly appThrottle: EventThrottle;
  /** Per folder, coalesced until the next tick: whose status to send, and what changed. */
  private readonly pendingStatus = new Set<string>();
  private readonly pendingChange = new Map<string, { remote: boolean; local: boolean; activity: boolean }>();
  private readonly pendingDeletion = new Map<string, DeletionProgressView>();
  private readonly deletionRunners = new Map<string, RemoteDeletionRunner>();
  private readonly detach: Array<() => void> = [];

  constructor(
    private readonly app: HoistApp,
    credentials: CredentialStore,
    private readonly log: (line: string) => void = () => undefined,
  ) {
    this.context = {
      app,
      credentials,
      deletions: (folder) => this.deletionRunner(folder),
    };
    this.statusThrottle = new EventThrottle(STATUS_INTERVAL_MS, () => this.pushStatus());
    this.changedThrottle = new EventThrottle(CHANGED_INTERVAL_MS, () => {
      const changes = [...this.pendingChange];
      this.pendingChange.clear();
      for (const [folder, change] of changes) this.broadcast('changed', { folder, ...change });
    });
    // 100 folders opening at start each say so: one app view per tick, not one per folder (each view
    // looks up every folder's token).
    this.appThrottle = new EventThrottle(STATUS_INTERVAL_MS, () => {
      void app
        .view()
        .then((view) => this.broadcast('app', view))
        .catch((error: unknown) =>
          this.log(`bridge: could not describe the app: ${(error as Error).message}`),
        );
    });
    this.deletionThrottle = new EventThrottle(STATUS_INTERVAL_MS, () => {
      const pending = [...this.pendingDeletion];
      this.pendingDeletion.clear();
      for (const [folder, progress] of pending) this.broadcast('deletion', { folder, progress });
    });
    const on = <K extends 'status' | 'changed' | 'problem' | 'app'>(
      event: K,
      listener: Parameters<typeof app.events.on<K>>[1],
    ): void => {
      app.events.on(event, listener);
      this.detach.push(() => app.events.off(event, listener));
    };
    on('status', (folder) => {
      this.pendingStatus.add(folder);
      this.statusThrottle.request();
    });
    on('changed', (folder, change) => this.noteChange(folder, change));
    on('problem', (folder, problem) => this.broadcast('problem', { folder, problem }));
    on('app', () => {
      this.appThrottle.request();
      // A folder opened or closed: its status and its lists are news to every window.
      for (const folder of app.folderIds()) {
        this.pendingStatus.add(folder);
        this.noteChange(folder, { remote: true, local: true, activity: true });
      }
      this.statusThrottle.request();
    });
  }

  connect(send: Send): BridgeConnection {
    this.connections.add(send);
    let inFlight = 0;
    let saidBusy = false;
    return {
      receive: (message) => {
        const request = this.parse(message, send);
        if (request === null) return;
        if (inFlight >= MAX_IN_FLIGHT) {
          // One log line per burst: a flood must not become a flood of log lines.
          if (!saidBusy) this.log(`bridge: a connection has ${inFlight} requests in flight; answering busy`);
          saidBusy = true;
          return this.answer(send, request.id, {
            code: 'busy',
            message: `Hoist is still answering ${MAX_IN_FLIGHT} requests from this window; try again in a moment`,
          });
        }
        inFlight++;
        void this.run(request, send)
          .catch((error: unknown) => this.log(`bridge: could not answer: ${(error as Error).message}`))
          .finally(() => {
            inFlight--;
            if (inFlight === 0) saidBusy = false;
          });
      },
      close: () => this.connections.delete(send),
    };
  }

  /** Stops listening to the app; connections get nothing more. */
  close(): void {
    for (const detach of this.detach) detach();
    this.statusThrottle.cancel();
    this.changedThrottle.cancel();
    this.deletionThrottle.cancel();
    this.appThrottle.cancel();
    this.connections.clear();
  }

  /** The request in a message, or null after answering why there is none. */
  private parse(raw: unknown, send: Send): ParsedRequest | null {
    const size = typeof raw === 'string' ? raw.length : safeLength(raw);
    if (size === null || size > MAX_MESSAGE_CHARS) {
      this.refuse(send, null, 'too-large', `A message may be at most ${MAX_MESSAGE_CHARS} characters`);
      return null;
    }
    let parsed: unknown = raw;
    if (typeof raw === 'string') {
      try {
        parsed = JSON.parse(raw);
      } catch {
        this.refuse(send, null, 'malformed', 'The message is not JSON');
        return null;
      }
    }
    const envelope = requestEnvelopeSchema.safeParse(parsed);
    if (!envelope.success) {
      const id = idOf(parsed);
      this.refuse(send, id, 'malformed', 'The message is not a request Hoist understands');
      return null;
    }
    const { id, command } = envelope.data;
    if (!isCommandName(command)) {
      this.refuse(send, id, 'unknown-command', `Hoist has no command "${command.slice(0, 100)}"`);
      return null;
    }
    const payload = commands[command].request.safeParse(envelope.data.payload ?? {});
    if (!payload.success) {
      const issue = payload.error.issues[0];
      const field = issue?.path.join('.') || 'request';
      this.refuse(send, id, 'invalid-request', `${command}: ${field} ${issue?.message ?? 'is not valid'}`);
      return null;
    }
    return { id, command, payload: payload.data };
  }

  private async run({ id, command, payload }: ParsedRequest, send: Send): Promise<void> {
    try {
      const handler = handlers[command] as (payload: unknown, context: HandlerContext) => unknown;
      const result = await handler(payload, this.context);
      send({ type: 'response', id, ok: true, result: result ?? null } satisfies HostMessage);
    } catch (error) {
      const { code, message } = describe(error);
      if (code === 'failed') this.log(`bridge: ${command} failed: ${message}`);
      this.answer(send, id, { code, message });
    }
  }

  private refuse(send: Send, id: number | null, code: BridgeErrorCode, message: string): void {
    this.log(`bridge: refused a message (${code}): ${message}`);
    this.answer(send, id, { code, message });
  }

  private answer(send: Send, id: number | null, error: { code: BridgeErrorCode; message: string }): void {
    send({ type: 'response', id, ok: false, error } satisfies HostMessage);
  }

  private noteChange(folder: string, change: { remote: boolean; local: boolean; activity: boolean }): void {
    const pending = this.pendingChange.get(folder);
    this.pendingChange.set(folder, {
      remote: (pending?.remote ?? false) || change.remote,
      local: (pending?.local ?? false) || change.local,
      activity: (pending?.activity ?? false) || change.activity,
    });
    this.changedThrottle.request();
  }

  private pushStatus(): void {
    const folders = [...this.pendingStatus];
    this.pendingStatus.clear();
    const open = new Map(this.app.openServices().map(({ id, service }) => [id, service]));
    for (const folder of folders) {
      const service = open.get(folder);
      if (service) this.broadcast('status', { folder, status: this.app.statusOf(folder, service) });
    }
  }

  /** One deletion runner per folder: each folder's remote has its own deletion, cancelled on its own. */
  private deletionRunner(folder: string): RemoteDeletionRunner {
    let runner = this.deletionRunners.get(folder);
    if (!runner) {
      runner = new RemoteDeletionRunner(
        {
          service: () => this.app.service(folder),
          addToIgnore: (paths) => this.app.addToIgnore(folder, paths),
        },
        (progress) => this.onDeletionProgress(folder, progress),
      );
      this.deletionRunners.set(folder, runner);
    }
    return runner;
  }

  private onDeletionProgress(folder: string, progress: DeletionProgressView): void {
    if (progress.finished) {
      // The last word goes out at once; a progress still waiting for its tick is old news.
      this.pendingDeletion.delete(folder);
      this.broadcast('deletion', { folder, progress });
    } else {
      this.pendingDeletion.set(folder, progress);
      this.deletionThrottle.request();
    }
  }

  private broadcast(event: EventName, payload: unknown): void {
    const message: HostMessage = { type: 'event', event, payload };
    for (const send of this.connections) {
      try {
        send(message);
      } catch (error) {
        this.log(`bridge: could not send ${event}: ${(error as Error).message}`);
      }
    }
  }
}

function describe(error: unknown): { code: BridgeErrorCode; message: string } {
  if (error instanceof HandlerError) return { code: error.code, message: error.message };
  if (error instanceof KeychainUnavailableError) {
    return { code: 'keychain-unavailable', message: keychainProblem(error, 'desktop') };
  }
  if (error instanceof SyncError) {
    const code: BridgeErrorCode =
      error.category === 'auth'
        ? 'auth'
        : error.category === 'config'
          ? 'config'
          : error.category === 'unsupported'
            ? 'unsupported'
            : 'failed';
    return { code, message: error.message };
  }
  if (error instanceof Error) return { code: 'failed', message: error.message };
  return { code: 'failed', message: 'Something went wrong' };
}

function idOf(message: unknown): number | null {
  const id = (message as { id?: unknown } | null)?.id;
  return typeof id === 'number' && Number.isSafeInteger(id) ? id : null;
}

/** The JSON size of a structured-cloned message (Electron IPC); null when it cannot be measured. */
function safeLength(message: unknown): number | null {
  try {
    return JSON.stringify(message)?.length ?? 0;
  } catch {
    return null;
  }
}

export type { CommandName };
