// The one place a video frame is stylized: every render (files and recordings) goes through it.
import * as Comlink from 'comlink';
import type { ComputeApi } from '$lib/worker/api';

/** Stylizes one upright frame (transferred, closed by the worker) at its own size; null when there are no weights yet. */
export async function renderFrame(api: Pick<ComputeApi, 'stylize'>, frame: ImageBitmap): Promise<ImageBitmap | null> {
  const result = await api.stylize(Comlink.transfer(frame, [frame]));
  return result?.image ?? null;
}
