import { deleteDB } from 'idb';
import { flushSync, mount, unmount } from 'svelte';
import { page } from 'vitest/browser';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import PresetsPanel from '$lib/components/presets/PresetsPanel.svelte';
import Toasts from '$lib/components/studio/Toasts.svelte';
import { toaster } from '$lib/studio/toasts.svelte';
import { exportStyle, readArchive } from '$lib/storage/archive';
import { closeLivebrushDb, DB_NAME } from '$lib/storage/db';
import { listPresets } from '$lib/storage/presets';
import { readSessionRecord } from '$lib/storage/session';
import { FakeStudioHost, patternImage, styleSnapshot, tinyWeights } from '../fixtures/storage/fixtures';

let panel: ReturnType<typeof mount> | null = null;
/** The page's toast, where the panel's messages appear (mounted once, as the studio does). */
let toasts: ReturnType<typeof mount> | null = null;

async function emptyDatabase(): Promise<void> {
  await closeLivebrushDb();
  await deleteDB(DB_NAME);
}

function showPanel(host: FakeStudioHost): void {
  panel = mount(PresetsPanel, { target: document.body, props: { host } });
  toasts ??= mount(Toasts, { target: document.body });
  flushSync();
}

async function saveAs(name: string): Promise<void> {
  await page.getByRole('button', { name: 'Save style', exact: true }).click();
  await page.getByLabelText('Style name').fill(name);
  await page.getByRole('button', { name: 'Save', exact: true }).click();
  await expect.element(page.getByRole('status')).toHaveTextContent(`Saved “${name}”.`);
}

beforeEach(emptyDatabase);
afterEach(async () => {
  if (panel) await unmount(panel);
  panel = null;
  if (toasts) await unmount(toasts);
  toasts = null;
  toaster.dismiss();
  vi.unstubAllGlobals();
  vi.restoreAllMocks();
  delete (window as { launchQueue?: unknown }).launchQueue;
  await emptyDatabase();
});

/** A `.livebrush` file of a small trained style. */
async function styleFile(name: string): Promise<File> {
  const exported = await exportStyle(styleSnapshot(tinyWeights(6), 1), name);
  return new File([exported.bytes as Uint8Array<ArrayBuffer>], exported.fileName, { type: 'application/zip' });
}

describe('PresetsPanel in Chromium with real IndexedDB', () => {
  it('saves a style, shows it in the gallery and loads it back into the studio', async () => {
    const small = styleSnapshot(tinyWeights(3), 1, 64, 48);
    const trained = { ...small, keyframes: [{ ...small.keyframes[0], full: patternImage(320, 240, 41) }] };
    const host = new FakeStudioHost(trained);
    showPanel(host);
    await saveAs('Magenta dream');

    host.style = styleSnapshot(null, 1, 64, 48);
    await page.getByRole('button', { name: 'Styles', exact: true }).click();
    const item = page.getByRole('button', { name: 'Magenta dream', exact: true });
    await expect.element(item).toBeVisible();
    await expect.element(page.getByText(/Storage: .* used of .* available/)).toBeVisible();
    await item.click();
    await expect.element(page.getByRole('status')).toHaveTextContent('Loaded “Magenta dream”.');
    expect(host.applied.at(-1)).toEqual(trained);
  });

  it('deletes a style from the gallery and "Undo" brings it back', async () => {
    const host = new FakeStudioHost(styleSnapshot(null, 1));
    showPanel(host);
    await saveAs('Keep me');
    await page.getByRole('button', { name: 'Styles', exact: true }).click();
    await page.getByRole('button', { name: 'Delete Keep me', exact: true }).click();
    await expect.element(page.getByRole('button', { name: 'Keep me', exact: true })).not.toBeInTheDocument();
    expect(await listPresets()).toEqual([]);
    await page.getByRole('button', { name: 'Undo', exact: true }).click();
    await expect.element(page.getByRole('button', { name: 'Keep me', exact: true })).toBeVisible();
    expect((await listPresets()).map((p) => p.name)).toEqual(['Keep me']);
  });

  it('renames and duplicates from the gallery', async () => {
    showPanel(new FakeStudioHost(styleSnapshot(null, 1)));
    await saveAs('Draft');
    await page.getByRole('button', { name: 'Styles', exact: true }).click();
    await page.getByRole('button', { name: 'Rename Draft', exact: true }).click();
    await page.getByLabelText('Style name').fill('Final');
    await page.getByRole('button', { name: 'Rename', exact: true }).click();
    await expect.element(page.getByRole('button', { name: 'Final', exact: true })).toBeVisible();
    await page.getByRole('button', { name: 'Duplicate Final', exact: true }).click();
    await expect.element(page.getByRole('button', { name: 'Final copy', exact: true })).toBeVisible();
    expect((await listPresets()).map((p) => p.name)).toEqual(['Final copy', 'Final']);
  });

  it('tells same-named styles apart by number and date, with every action in words', async () => {
    showPanel(new FakeStudioHost(styleSnapshot(null, 1)));
    await saveAs('Twin');
    await saveAs('Twin');
    await saveAs('Solo');
    await page.getByRole('button', { name: 'Styles', exact: true }).click();
    const cards = page.getByRole('dialog', { name: 'Your styles' }).getByRole('listitem');
    await expect.element(cards.nth(2)).toBeVisible();
    const texts = [0, 1, 2].map((index) => cards.nth(index).element().textContent!.replace(/\s+/g, ' '));
    const year = String(new Date().getFullYear());
    // Newest first: Solo, then the second Twin (#2), then the first (#1); each says when it was saved.
    expect(texts[0]).toMatch(/^ ?Solo/);
    expect(texts[0]).not.toContain('#');
    expect(texts[1]).toContain('#2');
    expect(texts[2]).toContain('#1');
    for (const text of texts) {
      expect(text).toContain(year);
      for (const action of ['Rename', 'Duplicate', 'Export', 'Delete']) expect(text).toContain(action);
    }
  });

  it('imports a .livebrush file, and shows a clear error for a corrupt one without changing the gallery', async () => {
    showPanel(new FakeStudioHost(styleSnapshot(null, 1)));
    const exported = await exportStyle(styleSnapshot(tinyWeights(4), 1), 'Shared style');
    const picker = page.getByLabelText('Style file to import');
    await picker.upload(new File([exported.bytes as Uint8Array<ArrayBuffer>], exported.fileName));
    await expect.element(page.getByRole('status')).toHaveTextContent('Imported “Shared style”');

    const corrupt = exported.bytes.slice(0, exported.bytes.length >> 1);
    await picker.upload(new File([corrupt], 'broken.livebrush'));
    await expect.element(page.getByRole('alert')).toHaveTextContent(/This file can't be imported: .*damaged or incomplete/);
    expect((await listPresets()).map((p) => p.name)).toEqual(['Shared style']);
  });

  it('restores the last session on mount and autosaves new strokes', async () => {
    const first = new FakeStudioHost(styleSnapshot(tinyWeights(5), 1));
    showPanel(first);
    first.style.keyframes[0].strokes = { version: 1, width: 24, height: 16, strokes: [] };
    first.emit('strokes');
    await expect.poll(async () => (await readSessionRecord())?.keyframes[0].strokes).toEqual(first.style.keyframes[0].strokes);
    await unmount(panel!);
    panel = null;

    const reopened = new FakeStudioHost(styleSnapshot(null, 0));
    showPanel(reopened);
    await expect.poll(() => reopened.applied.length).toBe(1);
    expect(reopened.style).toEqual(first.style);
    await expect.element(page.getByRole('status')).toHaveTextContent('Your last session is back.');
  });

  it('imports a .livebrush file dropped anywhere on the page', async () => {
    showPanel(new FakeStudioHost(styleSnapshot(null, 1)));
    const transfer = new DataTransfer();
    transfer.items.add(await styleFile('Dropped style'));
    window.dispatchEvent(new DragEvent('dragover', { dataTransfer: transfer, cancelable: true }));
    const drop = new DragEvent('drop', { dataTransfer: transfer, cancelable: true });
    window.dispatchEvent(drop);
    expect(drop.defaultPrevented).toBe(true);
    await expect.element(page.getByRole('status')).toHaveTextContent('Imported “Dropped style”');
    expect((await listPresets()).map((p) => p.name)).toEqual(['Dropped style']);
  });

  it('imports the file the installed app was opened with (launchQueue)', async () => {
    let consumer: ((params: { files: { getFile(): Promise<File> }[] }) => void) | null = null;
    Object.assign(window, { launchQueue: { setConsumer: (next: typeof consumer) => (consumer = next) } });
    showPanel(new FakeStudioHost(styleSnapshot(null, 1)));
    expect(consumer).not.toBeNull();
    const file = await styleFile('Opened style');
    consumer!({ files: [{ getFile: async () => file }] });
    await expect.element(page.getByRole('status')).toHaveTextContent('Imported “Opened style”');
  });

  it('hands "Export style" to the share sheet when the browser can share the file', async () => {
    const shared: File[] = [];
    vi.stubGlobal('navigator', Object.assign(Object.create(navigator), {
      canShare: (data: { files?: File[] }) => Boolean(data.files?.length),
      share: async (data: { files: File[] }) => void shared.push(...data.files)
    }));
    const host = new FakeStudioHost(styleSnapshot(tinyWeights(7), 1));
    showPanel(host);
    await page.getByRole('button', { name: 'Export style', exact: true }).click();
    await page.getByLabelText('Style name').fill('Pocket style');
    await page.getByRole('button', { name: 'Export', exact: true }).click();
    await expect.element(page.getByRole('status')).toHaveTextContent('Exported “Pocket-style.livebrush”.');
    expect(shared.map((file) => file.name)).toEqual(['Pocket-style.livebrush']);
    const style = await readArchive(new Uint8Array(await shared[0].arrayBuffer()));
    expect(style.weights).toEqual(host.style.weights);
  });
});

describe('PresetsPanel messages say what just happened, and nothing stale', () => {
  it('says why "Save style" cannot save before asking for a name', async () => {
    showPanel(new FakeStudioHost(styleSnapshot(null, 0)));
    await page.getByRole('button', { name: 'Save style', exact: true }).click();
    await expect.element(page.getByRole('alert')).toHaveTextContent('Nothing to save yet: capture a keyframe and paint on it first.');
    expect(document.querySelector('dialog')).toBeNull();
  });

  it('confirms a rename, and the next export offers the new name', async () => {
    showPanel(new FakeStudioHost(styleSnapshot(null, 1)));
    await saveAs('Draft');
    await page.getByRole('button', { name: 'Styles', exact: true }).click();
    await page.getByRole('button', { name: 'Draft', exact: true }).click();
    await expect.element(page.getByRole('status')).toHaveTextContent('Loaded “Draft”.');
    await page.getByRole('button', { name: 'Styles', exact: true }).click();
    await page.getByRole('button', { name: 'Rename Draft', exact: true }).click();
    await page.getByLabelText('Style name').fill('Final');
    await page.getByRole('button', { name: 'Rename', exact: true }).click();
    await expect.element(page.getByRole('status')).toHaveTextContent('Renamed “Draft” to “Final”.');
    await page.getByRole('button', { name: 'Close', exact: true }).click();
    await page.getByRole('button', { name: 'Export style', exact: true }).click();
    await expect.element(page.getByLabelText('Style name')).toHaveValue('Final');
  });

  it('does not send a person to the gallery they are looking at, and a failed import replaces the older success', async () => {
    showPanel(new FakeStudioHost(styleSnapshot(null, 1)));
    const exported = await exportStyle(styleSnapshot(tinyWeights(4), 1), 'Shared style');
    const picker = page.getByLabelText('Style file to import');
    await page.getByRole('button', { name: 'Styles', exact: true }).click();
    await picker.upload(new File([exported.bytes as Uint8Array<ArrayBuffer>], exported.fileName));
    await expect.element(page.getByRole('status')).toHaveTextContent('Imported “Shared style”.');
    await expect.element(page.getByRole('button', { name: 'Shared style', exact: true })).toBeVisible();
    await page.getByRole('button', { name: 'Close', exact: true }).click();

    await picker.upload(new File([exported.bytes as Uint8Array<ArrayBuffer>], exported.fileName));
    await expect.element(page.getByRole('status')).toHaveTextContent('Imported “Shared style”: open Styles to use it.');
    await picker.upload(new File([exported.bytes.slice(0, 40)], 'broken.livebrush'));
    await expect.element(page.getByRole('alert')).toHaveTextContent(/This file can't be imported/);
    await expect.element(page.getByText('open Styles to use it')).not.toBeInTheDocument();
  });
});

