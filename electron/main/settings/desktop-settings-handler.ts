import type { DesktopSettingsReply, DesktopSettingsRequest } from '../core-process/core-protocol.js';
import type { LoginItem } from '../login-item/login-item.js';
import type { ShellSettingsFile } from './shell-settings.js';

/**
 * Answers the app core's Settings screen about the switches main keeps: notifications (shell settings)
 * and start at login (the OS's login item or autostart entry, which is its own truth).
 */
export async function answerDesktopSettings(
  request: DesktopSettingsRequest,
  targets: { settings: ShellSettingsFile; loginItem: Pick<LoginItem, 'isOn' | 'set'>; changed: () => void },
): Promise<DesktopSettingsReply> {
  const { notifications, startAtLogin } = request.change;
  if (notifications !== undefined && notifications !== targets.settings.current.notifications) {
    await targets.settings.update({ notifications });
  }
  if (startAtLogin !== undefined && startAtLogin !== (await targets.loginItem.isOn())) {
    await targets.loginItem.set(startAtLogin);
  }
  if (notifications !== undefined || startAtLogin !== undefined) targets.changed();
  return {
    type: 'desktop-settings-reply',
    id: request.id,
    settings: {
      notifications: targets.settings.current.notifications,
      startAtLogin: await targets.loginItem.isOn(),
    },
  };
}
