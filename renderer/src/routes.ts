/** Where the window is, kept in the URL hash so a reload (or the tray's "open") lands in the same place. */
export type FolderScreen = 'sync' | 'remote' | 'settings';

export type Route =
  /**
   * No folder named (the window's first address, or the tray's and menu's `#/sync`, `#/remote`): that
   * screen of the only folder when there is one, else All folders.
   */
  | { kind: 'home'; screen: FolderScreen }
  | { kind: 'all' }
  | { kind: 'add' }
  | { kind: 'app-settings' }
  | { kind: 'folder'; folder: string; screen: FolderScreen };

const SCREENS: readonly FolderScreen[] = ['sync', 'remote', 'settings'];

export function routeFromHash(hash: string): Route {
  const parts = hash.replace(/^#\/?/, '').split('/');
  if (parts[0] === '') return { kind: 'home', screen: 'sync' };
  if (parts[0] === 'sync' || parts[0] === 'remote') return { kind: 'home', screen: parts[0] };
  if (parts[0] === 'all') return { kind: 'all' };
  if (parts[0] === 'add') return { kind: 'add' };
  if (parts[0] === 'settings') return { kind: 'app-settings' };
  if (parts[0] === 'folder' && parts[1]) {
    const screen = SCREENS.find((entry) => entry === parts[2]) ?? 'sync';
    try {
      return { kind: 'folder', folder: decodeURIComponent(parts[1]), screen };
    } catch {
      return { kind: 'all' };
    }
  }
  return { kind: 'all' };
}

export function hrefOf(route: Route): string {
  switch (route.kind) {
    case 'home':
      return route.screen === 'sync' ? '#/' : `#/${route.screen}`;
    case 'all':
      return '#/all';
    case 'add':
      return '#/add';
    case 'app-settings':
      return '#/settings';
    case 'folder':
      return `#/folder/${encodeURIComponent(route.folder)}/${route.screen}`;
  }
}
