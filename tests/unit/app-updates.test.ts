// The update flow: a new version is announced, installs only on request, and never interrupts work.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

type Listener = (event: { isUpdate?: boolean }) => void;

/** A stand-in for workbox-window's Workbox: the test plays the service worker's lifecycle. */
class FakeWorkbox {
  static last: FakeWorkbox;
  readonly listeners = new Map<string, Listener[]>();
  skipWaitingMessages = 0;
  constructor(readonly url: string) {
    FakeWorkbox.last = this;
  }
  addEventListener(type: string, listener: Listener) {
    this.listeners.set(type, [...(this.listeners.get(type) ?? []), listener]);
  }
  async register() {}
  messageSkipWaiting() {
    this.skipWaitingMessages += 1;
  }
  emit(type: string, event: { isUpdate?: boolean } = {}) {
    for (const listener of this.listeners.get(type) ?? []) listener(event);
  }
}

vi.mock('workbox-window', () => ({ Workbox: FakeWorkbox }));

const { ServiceWorkerUpdates } = await import('$lib/pwa/updates.svelte');

describe('service worker updates', () => {
  let busy: boolean;
  const reload = vi.fn();

  beforeEach(() => {
    vi.useFakeTimers();
    busy = false;
    reload.mockReset();
    vi.stubGlobal('navigator', { serviceWorker: { controller: {} } });
    vi.stubGlobal('location', { reload });
  });

  afterEach(() => {
    vi.useRealTimers();
    vi.unstubAllGlobals();
  });

  async function registered() {
    const updates = new ServiceWorkerUpdates(() => !busy);
    await updates.register('/sw.js');
    return { updates, workbox: FakeWorkbox.last };
  }

  it('is ready offline once a service worker controls the page', async () => {
    const { updates } = await registered();
    expect(updates.offlineReady).toBe(true);
  });

  it('announces a waiting version and installs nothing until asked', async () => {
    const { updates, workbox } = await registered();
    expect(updates.updateAvailable).toBe(false);
    workbox.emit('waiting');
    expect(updates.updateAvailable).toBe(true);
    vi.advanceTimersByTime(60_000);
    expect(workbox.skipWaitingMessages).toBe(0);
    expect(reload).not.toHaveBeenCalled();
  });

  it('on request activates the new version and reloads into it', async () => {
    const { updates, workbox } = await registered();
    workbox.emit('waiting');
    updates.applyUpdate();
    expect(workbox.skipWaitingMessages).toBe(1);
    workbox.emit('controlling', { isUpdate: true });
    expect(reload).toHaveBeenCalledTimes(1);
  });

  it('waits while the person paints or trains, then updates', async () => {
    const { updates, workbox } = await registered();
    workbox.emit('waiting');
    busy = true;
    updates.applyUpdate();
    expect(updates.updatePending).toBe(true);
    vi.advanceTimersByTime(10_000);
    expect(workbox.skipWaitingMessages).toBe(0);
    busy = false;
    vi.advanceTimersByTime(1_000);
    expect(workbox.skipWaitingMessages).toBe(1);
  });

  it('never reloads under a busy studio when another tab activated the update', async () => {
    const { workbox } = await registered();
    busy = true;
    workbox.emit('controlling', { isUpdate: true });
    vi.advanceTimersByTime(10_000);
    expect(reload).not.toHaveBeenCalled();
    busy = false;
    vi.advanceTimersByTime(1_000);
    expect(reload).toHaveBeenCalledTimes(1);
  });
});
