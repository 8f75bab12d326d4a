// The one place a video frame is stylized: every render (files and recordings) goes through it.
import * as Comlink from 'comlink';
import type { ComputeApi } from '$lib/worker/api';

/**
 * Stylizes one upright frame (transferred, closed by the worker) at its own size with the full-size
 * method (docs/video.md, "Full-size output"); null when there are no weights yet.
 */
export async function renderFrame(api: Pick<ComputeApi, 'stylizeFullSize'>, frame: ImageBitmap): Promise<ImageBitmap | null> {
  const result = await api.stylizeFullSize(Comlink.transfer(frame, [frame]));
  return result?.image ?? null;
}
