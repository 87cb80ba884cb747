/** The windows Hoist opens, one instance each. */
export type WindowKind = 'main' | 'browse' | 'settings';

export interface WindowSpec {
  title: string;
  /** The renderer route (hash), the same routes the browser UI (`hoist ui`) uses. */
  route: string;
  width: number;
  height: number;
  minWidth: number;
  minHeight: number;
}

export const WINDOW_SPECS: Record<WindowKind, WindowSpec> = {
  main: { title: 'Hoist', route: '/sync', width: 960, height: 640, minWidth: 640, minHeight: 420 },
  browse: {
    title: 'Browse remote files',
    route: '/remote',
    width: 1040,
    height: 700,
    minWidth: 640,
    minHeight: 420,
  },
  settings: {
    title: 'Hoist settings',
    route: '/settings',
    width: 720,
    height: 640,
    minWidth: 520,
    minHeight: 420,
  },
};
