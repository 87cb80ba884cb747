import type { StatusView } from '../../../shared/bridge/contract.js';
import type { SyncService } from '../../engine/sync-service.js';
import type { HoistApp } from '../hoist-app.js';

/** The pair's status as the renderer sees it: with the timed pause, without problems set aside. */
export function statusView(app: HoistApp, service: SyncService): StatusView {
  const status = service.status();
  return {
    ...status,
    problems: status.problems.filter((problem) => !app.isDismissed(problem.id, problem.message)),
    pausedUntil: status.paused ? app.pause.until : null,
  };
}
