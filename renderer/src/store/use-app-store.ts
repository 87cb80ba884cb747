import { createContext, useCallback, useContext, useSyncExternalStore } from 'react';
import type {
  AppView,
  CommandName,
  FolderView,
  CommandRequest,
  CommandResponse,
} from '../../../shared/bridge/contract.js';
import { useBridge } from '../bridge/bridge-context.js';
import type { AppState, AppStore } from './app-store.js';

export const StoreContext = createContext<AppStore | null>(null);

export function useStore(): AppStore {
  const store = useContext(StoreContext);
  if (!store) throw new Error('useStore outside StoreContext');
  return store;
}

/**
 * One slice of the app's state; the component renders again only when that slice changes. The
 * selector must return a part of the state (or a primitive), not a new object each call.
 */
export function useAppState<T>(select: (state: AppState) => T): T {
  const store = useStore();
  return useSyncExternalStore(store.subscribe, () => select(store.getState()));
}

const NO_FOLDERS: FolderView[] = [];

/** The configured folders (the same array until the app view changes; empty before it loads). */
export function useFolders(): FolderView[] {
  return useAppState((state) => state.app?.folders ?? NO_FOLDERS);
}

/** The app view, for screens shown only once it is loaded (App renders nothing else before). */
export function useAppView(): AppView {
  const app = useAppState((state) => state.app);
  if (!app) throw new Error('useAppView before the app view was loaded');
  return app;
}

/** The commands whose answer is the app view. */
type AppViewCommand = {
  [C in CommandName]: CommandResponse<C> extends AppView ? C : never;
}[CommandName];

/**
 * Runs a command that answers with the app view and puts that answer in the store (the host's `app`
 * event says the same a moment later); the screen reads the result from the store like the rest.
 */
export function useAppCommand(): <C extends AppViewCommand>(
  command: C,
  payload: CommandRequest<C>,
) => Promise<AppView> {
  const bridge = useBridge();
  const store = useStore();
  return useCallback(
    async <C extends AppViewCommand>(command: C, payload: CommandRequest<C>): Promise<AppView> => {
      const view = (await bridge.call(command, payload)) as AppView;
      store.applyApp(view);
      return view;
    },
    [bridge, store],
  );
}
