import { useEffect, useState } from 'react';
import { useAppState } from './store/use-app-store.js';
import { RemoteFilesScreen } from './screens/remote-files-screen.js';
import { SettingsScreen } from './screens/settings-screen.js';
import { SyncScreen } from './screens/sync-screen.js';

export type Route = 'sync' | 'remote' | 'settings';

const ROUTES: Array<{ route: Route; label: string }> = [
  { route: 'sync', label: 'Sync' },
  { route: 'remote', label: 'Remote files' },
  { route: 'settings', label: 'Settings' },
];

function routeFromHash(): Route {
  const hash = location.hash.replace(/^#\/?/, '');
  return ROUTES.some((entry) => entry.route === hash) ? (hash as Route) : 'sync';
}

/** The one window: a slim navigation and the screen beside it; routes live in the URL hash. */
export function App() {
  const connection = useAppState((state) => state.connection);
  const app = useAppState((state) => state.app);
  const loadError = useAppState((state) => state.loadError);
  const [route, setRoute] = useState<Route>(routeFromHash);

  useEffect(() => {
    const onHash = (): void => setRoute(routeFromHash());
    window.addEventListener('hashchange', onHash);
    return () => window.removeEventListener('hashchange', onHash);
  }, []);
  useEffect(() => {
    document.documentElement.dataset.theme = app?.theme ?? 'system';
  }, [app?.theme]);

  const go = (next: Route): void => {
    location.hash = `#/${next}`;
    setRoute(next);
  };

  if (app === null) {
    return (
      <div className="centered" role="status">
        {loadError
          ? `Hoist could not start: ${loadError}`
          : connection === 'refused'
            ? 'This window is not signed in to Hoist. Open a new link from hoist ui: each link works once (press Enter where hoist ui runs for another).'
            : connection === 'closed'
              ? 'Reconnecting to Hoist…'
              : 'Loading Hoist…'}
      </div>
    );
  }
  const firstRun = app.pair === null;
  // The first run shows Settings whatever the address says: nothing else works before a folder is chosen.
  const shown: Route = firstRun ? 'settings' : route;
  return (
    <div className="shell">
      <nav className="sidebar" aria-label="Hoist">
        <div className="brand" aria-hidden="true">
          Hoist
        </div>
        <ul>
          {ROUTES.map(({ route: target, label }) => (
            <li key={target}>
              <a
                href={`#/${target}`}
                aria-current={shown === target ? 'page' : undefined}
                onClick={(event) => {
                  event.preventDefault();
                  go(target);
                }}
              >
                {label}
              </a>
            </li>
          ))}
        </ul>
        {connection !== 'open' && (
          <p className="connection" role="status">
            Reconnecting…
          </p>
        )}
      </nav>
      <main className="content">
        {firstRun || route === 'settings' ? (
          <SettingsScreen firstRun={firstRun} />
        ) : app.openError ? (
          <section className="screen">
            <h1>Sync</h1>
            <div className="problem" role="alert">
              <p>{app.openError}</p>
              <button type="button" onClick={() => go('settings')}>
                Open settings
              </button>
            </div>
          </section>
        ) : route === 'remote' ? (
          <RemoteFilesScreen />
        ) : (
          <SyncScreen onOpenSettings={() => go('settings')} />
        )}
      </main>
    </div>
  );
}
