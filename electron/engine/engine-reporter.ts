import type {
  ActivityEntry,
  ActivityKind,
  EngineState,
  SyncErrorInfo,
  SyncProgress,
} from '../../shared/sync-types.js';
import type { ProblemId } from '../../shared/problem-id.js';
import type { Clock } from '../base/clock.js';
import type { EngineEvents } from './engine-events.js';
import type { PairState } from './state/pair-state.js';

// Progress events are throttled to this interval; the final state is always emitted.
const PROGRESS_INTERVAL_MS = 250;

/**
 * What the engine tells its hosts: the activity log (recorded before it is announced), the problems
 * that need the user (one per kind, re-announced only when the words change), the display state and
 * throttled progress. One object, so every part of the engine reports the same way.
 */
export class EngineReporter {
  private readonly problems = new Map<ProblemId, SyncErrorInfo>();
  private displayState: EngineState = 'starting';
  private lastProgressAt = 0;

  constructor(
    private readonly pairState: PairState,
    private readonly events: EngineEvents,
    private readonly clock: Clock,
  ) {}

  report(kind: ActivityKind, path: string | null, message: string, detail?: string): void {
    let entry: ActivityEntry;
    try {
      entry = this.pairState.activity.add(kind, path, message, this.clock.now(), detail);
    } catch (error) {
      if (this.pairState.failure === null) throw error;
      // The state DB itself failed (the run is stopping): the host still hears it, unrecorded.
      entry = { id: 0, at: this.clock.now(), kind, path, message };
    }
    this.events.emit('activity', entry);
  }

  raiseProblem(id: ProblemId, problem: SyncErrorInfo): void {
    const previous = this.problems.get(id);
    this.problems.set(id, problem);
    if (previous?.message === problem.message) return;
    const kind =
      problem.category === 'unsupported' ? 'info' : problem.category === 'auth' ? 'failed' : 'warning';
    // The id goes with the problem, so a UI can offer the action that fits (mass-deletion, auth…).
    // Before its activity line, so a listener knows which problem that line is (the CLI's --once).
    this.events.emit('problem', { ...problem, id });
    this.report(kind, problem.path ?? null, problem.message, problem.detail);
  }

  clearProblem(id: ProblemId): void {
    this.problems.delete(id);
  }

  get currentProblems(): SyncErrorInfo[] {
    return [...this.problems].map(([id, problem]) => ({ ...problem, id }));
  }

  get state(): EngineState {
    return this.displayState;
  }

  setState(next: EngineState): void {
    if (this.displayState === next) return;
    this.displayState = next;
    this.events.emit('state', next);
  }

  /** Announces progress at most every PROGRESS_INTERVAL_MS, unless `force` (a batch's last figures). */
  progress(snapshot: () => SyncProgress, force: boolean): void {
    const now = this.clock.now();
    if (!force && now - this.lastProgressAt < PROGRESS_INTERVAL_MS) return;
    this.lastProgressAt = now;
    this.events.emit('progress', snapshot());
  }
}
