import type { StatusView } from '../../../shared/bridge/contract.js';
import type { SyncService } from '../../engine/sync-service.js';
import type { HoistApp } from '../hoist-app.js';

/** The pair's status as the renderer sees it: without the problems the user set aside. */
export function statusView(app: HoistApp, service: SyncService): StatusView {
  const status = service.status();
  return {
    ...status,
    problems: status.problems.filter((problem) => !app.isDismissed(problem.id, problem.message)),
  };
}
