import type { ExportedStyle } from './archive';
import { formatNumber } from '$lib/i18n/locale';
import { m } from '$lib/paraglide/messages';

/** How much this app stores and may store, in bytes (the browser's estimate). */
export interface StorageUsage {
  usage: number;
  quota: number;
}

/** The browser's estimate of this app's storage use, or null where it cannot tell. */
export async function storageUsage(): Promise<StorageUsage | null> {
  if (typeof navigator === 'undefined' || !navigator.storage?.estimate) return null;
  const { usage, quota } = await navigator.storage.estimate();
  return usage === undefined || quota === undefined ? null : { usage, quota };
}

/**
 * Asks the browser to keep this app's data even under storage pressure (once is enough; it
 * remembers). Returns whether the data is persistent now.
 */
export async function requestPersistentStorage(): Promise<boolean> {
  if (typeof navigator === 'undefined' || !navigator.storage?.persist) return false;
  if (await navigator.storage.persisted()) return true;
  return navigator.storage.persist();
}

/** Bytes as a person reads them, in the page's language: "840 KB", "3.2 MB", "1.4 GB". */
export function formatBytes(bytes: number): string {
  const units = [m.size_bytes, m.size_kb, m.size_mb, m.size_gb, m.size_tb];
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return units[unit]({ value: formatNumber(value, unit === 0 || value >= 10 ? 0 : 1) });
}

/**
 * Hands an exported style to the system share sheet where the browser can share such a file,
 * otherwise downloads it. Resolves to what happened ('cancelled' when the person closed the sheet).
 */
export async function shareOrDownload(style: ExportedStyle): Promise<'shared' | 'downloaded' | 'cancelled'> {
  const file = new File([style.bytes as Uint8Array<ArrayBuffer>], style.fileName, { type: 'application/zip' });
  if (navigator.canShare?.({ files: [file] })) {
    try {
      await navigator.share({ files: [file], title: style.fileName });
      return 'shared';
    } catch (error) {
      if (error instanceof Error && error.name === 'AbortError') return 'cancelled';
      // NotAllowedError and the like: fall back to a download below.
    }
  }
  const url = URL.createObjectURL(file);
  const link = document.createElement('a');
  link.href = url;
  link.download = style.fileName;
  link.style.display = 'none';
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
  return 'downloaded';
}
