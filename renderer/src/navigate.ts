import { createContext, useContext } from 'react';
import type { Route } from './routes.js';

/** Moves the window to another route (and into the URL hash). */
export const NavigateContext = createContext<(route: Route) => void>(() => undefined);

export function useNavigate(): (route: Route) => void {
  return useContext(NavigateContext);
}
