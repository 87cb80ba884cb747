import { useEffect, useState } from 'react';
import { hrefOf, routeFromHash, type Route } from './routes.js';
import { AddFolderScreen } from './screens/add-folder-screen.js';
import { AppSettingsScreen } from './screens/app-settings-screen.js';
import { FolderScreens } from './screens/folder-screens.js';
import { OverviewScreen } from './screens/overview-screen.js';
import { Sidebar } from './sidebar.js';
import { useAppState } from './store/use-app-store.js';
import { NavigateContext } from './navigate.js';

/**
 * The one window: the sidebar (All folders, each folder with its status, Add a folder, App
 * settings) and the screen beside it; the route lives in the URL hash.
 */
export function App() {
  const connection = useAppState((state) => state.connection);
  const app = useAppState((state) => state.app);
  const loadError = useAppState((state) => state.loadError);
  const [route, setRoute] = useState<Route>(() => routeFromHash(location.hash));

  useEffect(() => {
    const onHash = (): void => setRoute(routeFromHash(location.hash));
    window.addEventListener('hashchange', onHash);
    return () => window.removeEventListener('hashchange', onHash);
  }, []);
  useEffect(() => {
    document.documentElement.dataset.theme = app?.theme ?? 'system';
  }, [app?.theme]);

  const go = (next: Route): void => {
    history.pushState(null, '', hrefOf(next));
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
  const firstRun = app.folders.length === 0;
  const only = app.folders.length === 1 ? app.folders[0] : undefined;
  // A folder that is gone (removed, or an old link) shows the overview instead; with one folder,
  // the window opens on it (the overview of one folder would say the same twice).
  const shown: Route =
    route.kind === 'folder' && !app.folders.some((folder) => folder.id === route.folder)
      ? { kind: 'all' }
      : firstRun && route.kind !== 'app-settings'
        ? { kind: 'add' }
        : route.kind === 'home'
          ? only
            ? { kind: 'folder', folder: only.id, screen: route.screen }
            : { kind: 'all' }
          : route;
  return (
    <NavigateContext.Provider value={go}>
      <div className="shell">
        <Sidebar route={shown} />
        <main className="content">
          {shown.kind === 'add' ? (
            <AddFolderScreen firstRun={firstRun} />
          ) : shown.kind === 'app-settings' ? (
            <AppSettingsScreen />
          ) : shown.kind === 'folder' ? (
            <FolderScreens key={shown.folder} folder={shown.folder} screen={shown.screen} />
          ) : (
            <OverviewScreen />
          )}
        </main>
      </div>
    </NavigateContext.Provider>
  );
}
