import { afterEach, describe, expect, it, vi } from 'vitest';
import { formatBytes, requestPersistentStorage, storageUsage } from '$lib/storage/device';

afterEach(() => vi.unstubAllGlobals());

describe('device storage', () => {
  it('writes sizes the way people read them', () => {
    expect(formatBytes(512)).toBe('512 bytes');
    expect(formatBytes(3.2 * 1024 * 1024)).toBe('3.2 MB');
    expect(formatBytes(840 * 1024)).toBe('840 KB');
    expect(formatBytes(12 * 1024 ** 3)).toBe('12 GB');
  });

  it('asks for persistent storage only when the data is not persistent yet', async () => {
    const persist = vi.fn(async () => true);
    vi.stubGlobal('navigator', { storage: { persisted: async () => false, persist } });
    expect(await requestPersistentStorage()).toBe(true);
    expect(persist).toHaveBeenCalledTimes(1);
    vi.stubGlobal('navigator', { storage: { persisted: async () => true, persist } });
    expect(await requestPersistentStorage()).toBe(true);
    expect(persist).toHaveBeenCalledTimes(1);
  });

  it('reports usage when the browser estimates it, and nothing where it cannot', async () => {
    vi.stubGlobal('navigator', { storage: { estimate: async () => ({ usage: 10, quota: 100 }) } });
    expect(await storageUsage()).toEqual({ usage: 10, quota: 100 });
    vi.stubGlobal('navigator', {});
    expect(await storageUsage()).toBeNull();
    expect(await requestPersistentStorage()).toBe(false);
  });
});
