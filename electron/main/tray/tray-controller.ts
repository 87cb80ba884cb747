import { Menu, nativeImage, Tray } from 'electron';
import { LatestValueThrottle } from '../updates/latest-value-throttle.js';
import { trayIconFile } from './tray-icons.js';
import { trayMenuTemplate } from './tray-menu-template.js';
import type { TrayAction, TrayModel } from './tray-model.js';

/** How often the tray may be redrawn: status events can arrive ten times a second. */
const TRAY_UPDATE_MS = 300;

/** Electron wiring for the tray: draws a TrayModel, at most a few times a second, only when it changed. */
export class TrayController {
  private readonly tray: Tray;
  private shown = '';
  private readonly throttle: LatestValueThrottle<TrayModel>;

  constructor(
    private readonly resourcesDir: string,
    private readonly run: (action: TrayAction, folder?: string) => void,
    initial: TrayModel,
  ) {
    this.tray = new Tray(this.icon(initial));
    // On Windows and macOS a click opens Hoist; Linux trays differ, so the menu carries "Open Hoist".
    this.tray.on('click', () => run('open-hoist'));
    this.throttle = new LatestValueThrottle(TRAY_UPDATE_MS, (model) => this.draw(model));
    this.draw(initial);
  }

  update(model: TrayModel): void {
    this.throttle.push(model);
  }

  destroy(): void {
    this.throttle.dispose();
    this.tray.destroy();
  }

  private draw(model: TrayModel): void {
    const key = JSON.stringify(model);
    if (key === this.shown) return;
    const iconChanged = this.shown === '' || (JSON.parse(this.shown) as TrayModel).icon !== model.icon;
    this.shown = key;
    if (iconChanged) this.tray.setImage(this.icon(model));
    this.tray.setToolTip(model.tooltip);
    // Linux (StatusNotifierItem) only picks up a changed menu when it is set again.
    this.tray.setContextMenu(Menu.buildFromTemplate(trayMenuTemplate(model.items, this.run)));
  }

  private icon(model: TrayModel): Electron.NativeImage {
    const image = nativeImage.createFromPath(trayIconFile(this.resourcesDir, model.icon, process.platform));
    if (process.platform === 'darwin') image.setTemplateImage(true);
    return image;
  }
}
