export interface Rectangle {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** How much of a saved window must still be on a display to be put back there: a grabbable title bar. */
const MIN_VISIBLE = { width: 100, height: 40 };

/**
 * Where to open a window, given where it was and the displays there are now (their work areas, the
 * primary first). A monitor unplugged since, or a resolution lowered, must not leave a window off
 * screen or larger than the screen: it is kept where enough of it shows, shrunk to fit, and otherwise
 * centred on the primary display at its default size.
 */
export function placeWindow(
  saved: Rectangle | null,
  workAreas: readonly Rectangle[],
  size: { width: number; height: number },
): Rectangle {
  const primary = workAreas[0];
  if (primary === undefined) return { x: 0, y: 0, ...size };
  if (saved !== null) {
    const home = workAreas.find((area) => visibleEnough(saved, area));
    if (home !== undefined) return fitInside(saved, home);
  }
  const width = Math.min(size.width, primary.width);
  const height = Math.min(size.height, primary.height);
  return {
    x: primary.x + Math.round((primary.width - width) / 2),
    y: primary.y + Math.round((primary.height - height) / 2),
    width,
    height,
  };
}

function visibleEnough(window: Rectangle, area: Rectangle): boolean {
  const width = Math.min(window.x + window.width, area.x + area.width) - Math.max(window.x, area.x);
  // The title bar: the top of the window must be inside the area vertically.
  const topInside = window.y >= area.y && window.y < area.y + area.height - MIN_VISIBLE.height / 2;
  return width >= MIN_VISIBLE.width && topInside;
}

/** Shrinks the window to the area and moves it just enough to be wholly inside. */
function fitInside(window: Rectangle, area: Rectangle): Rectangle {
  const width = Math.min(window.width, area.width);
  const height = Math.min(window.height, area.height);
  const x = Math.min(Math.max(window.x, area.x), area.x + area.width - width);
  const y = Math.min(Math.max(window.y, area.y), area.y + area.height - height);
  return { x, y, width, height };
}
