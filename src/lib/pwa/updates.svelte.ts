// Service worker registration and the gentle update flow: never reload while the person is busy.
import { Workbox } from 'workbox-window';

/** How often a waiting update re-checks whether the person is still painting or training. */
const BUSY_RECHECK_MS = 1000;

/** The app's service worker: offline support and "Update available". */
export class ServiceWorkerUpdates {
  /** A new version is installed and waiting for the person's go-ahead. */
  updateAvailable = $state(false);
  /** The person accepted the update, which waits until they stop painting/training. */
  updatePending = $state(false);
  /** The page is controlled by a service worker (works offline). */
  offlineReady = $state(false);

  private workbox: Workbox | null = null;

  /** @param canReload whether reloading now would interrupt nothing (no stroke, no training). */
  constructor(private readonly canReload: () => boolean) {}

  /** Registers `swUrl` (no-op where service workers are unavailable). */
  async register(swUrl: string): Promise<void> {
    if (!('serviceWorker' in navigator)) return;
    const workbox = new Workbox(swUrl, { type: 'classic' });
    this.workbox = workbox;
    workbox.addEventListener('waiting', () => (this.updateAvailable = true));
    workbox.addEventListener('controlling', (event) => {
      if (event.isUpdate) this.reloadWhenIdle();
    });
    workbox.addEventListener('activated', () => (this.offlineReady = true));
    await workbox.register();
    if (navigator.serviceWorker.controller) this.offlineReady = true;
  }

  /** The person asked for the new version: activate it once they are not painting or training. */
  applyUpdate(): void {
    if (!this.workbox) return;
    this.updatePending = true;
    const workbox = this.workbox;
    const activateWhenIdle = () => {
      if (this.canReload()) workbox.messageSkipWaiting();
      else setTimeout(activateWhenIdle, BUSY_RECHECK_MS);
    };
    activateWhenIdle();
  }

  private reloadWhenIdle(): void {
    if (this.canReload()) location.reload();
    else setTimeout(() => this.reloadWhenIdle(), BUSY_RECHECK_MS);
  }
}
