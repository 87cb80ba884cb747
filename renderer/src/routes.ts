/** Where the window is, kept in the URL hash so a reload (or the tray's "open") lands in the same place. */
export type FolderScreen = 'sync' | 'remote' | 'settings';

export type Route =
  | { kind: 'all' }
  | { kind: 'add' }
  | { kind: 'app-settings' }
  | { kind: 'folder'; folder: string; screen: FolderScreen };

const SCREENS: readonly FolderScreen[] = ['sync', 'remote', 'settings'];

export function routeFromHash(hash: string): Route {
  const parts = hash.replace(/^#\/?/, '').split('/');
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
    case 'all':
      return '#/';
    case 'add':
      return '#/add';
    case 'app-settings':
      return '#/settings';
    case 'folder':
      return `#/folder/${encodeURIComponent(route.folder)}/${route.screen}`;
  }
}
