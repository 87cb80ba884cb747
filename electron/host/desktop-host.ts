/** The switches the desktop shell keeps for the Settings screen (main owns them, not the app core). */
export interface DesktopSwitches {
  /** Native notifications for what needs the user (auth failure, conflicts, a held mass deletion). */
  notifications: boolean;
  /** Start Hoist at login (the OS's login item, an XDG autostart entry on Linux). */
  startAtLogin: boolean;
}

/**
 * What only a desktop shell can do for the app core: the native folder picker, the file manager, and
 * its own switches. The web host (`hoist ui`) has none of these, so the app core treats them as
 * optional and the window offers them only where they exist.
 */
export interface DesktopHost {
  /** The folder the user picked, or null if they cancelled. */
  pickFolder(): Promise<string | null>;
  /** Opens a folder in the file manager. */
  openFolder(path: string): Promise<void>;
  /** Shows a file in the file manager, selected ("Show in folder"). */
  showInFolder(path: string): Promise<void>;
  /** Reads the switches, or changes some and returns them all. */
  switches(change?: Partial<DesktopSwitches>): Promise<DesktopSwitches>;
}
