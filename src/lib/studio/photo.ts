// Saving the stylized preview: a PNG download, and the Web Share sheet where the browser has one.

/** A file name like `livebrush-2026-11-25-171502.png` for a photo taken at `date`. */
export function photoFileName(date: Date): string {
  const pad = (value: number) => String(value).padStart(2, '0');
  const day = `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
  const time = `${pad(date.getHours())}${pad(date.getMinutes())}${pad(date.getSeconds())}`;
  return `livebrush-${day}-${time}.png`;
}

/** Downloads `blob` as `fileName` through a temporary `<a download>`. */
export function downloadBlob(blob: Blob, fileName: string): void {
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  link.style.display = 'none';
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** Whether this browser can share an image file through the system share sheet. */
export function canSharePhotos(): boolean {
  if (typeof navigator.canShare !== 'function') return false;
  const probe = new File([new Uint8Array(1)], 'probe.png', { type: 'image/png' });
  return navigator.canShare({ files: [probe] });
}

/** Opens the share sheet with the photo; resolves false when the person cancelled. */
export async function sharePhoto(blob: Blob, fileName: string): Promise<boolean> {
  try {
    await navigator.share({ files: [new File([blob], fileName, { type: 'image/png' })], title: 'Livebrush' });
    return true;
  } catch {
    return false;
  }
}
