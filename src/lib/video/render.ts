// Rendering a whole video: decode one frame, stylize it, encode it, one after another (mediabunny's
// Conversion), so memory does not grow with the video's length. Audio packets are copied as they are
// where the container allows, timestamps are kept (variable frame rates too), and a rotated file's
// frames are turned upright.
import { ALL_FORMATS, BlobSource, Conversion, ConversionCanceledError, Input, Output, type VideoSample } from 'mediabunny';
import { VideoError } from './errors';
import { openOutputFile, outputFormat } from './output';
import { etaSeconds, renderSize } from './timing';

/** How far a render is. */
export interface RenderProgress {
  /** Frames done so far. */
  frame: number;
  /** Frames in the video. */
  total: number;
  /** Seconds left at the pace so far (null before the first frame). */
  etaSeconds: number | null;
}

/** What a render needs besides the video. */
export interface RenderOptions {
  /** Stylizes one upright frame at its own size (null: no style yet). */
  stylize(frame: ImageBitmap): Promise<ImageBitmap | null>;
  /** The longest side of the output (the video's own size when larger). */
  maxSide: number;
  /** Frames in the video (from probeVideo), for the progress figures. */
  totalFrames: number;
  /** The container and codec (from chooseOutput). */
  kind: 'mp4' | 'webm';
  signal?: AbortSignal;
  onProgress?(progress: RenderProgress): void;
}

/** A finished render. */
export interface RenderedVideo {
  blob: Blob;
  extension: string;
  /** Whether the output has the source's audio. */
  hasAudio: boolean;
}

/**
 * Draws `sample` (already upright: the conversion applies the file's rotation to the pixels) at
 * `width × height`, hands it to `stylize`, and draws the result onto `out`.
 */
async function stylizeSample(
  sample: VideoSample,
  upright: OffscreenCanvasRenderingContext2D,
  out: OffscreenCanvasRenderingContext2D,
  stylize: RenderOptions['stylize']
): Promise<void> {
  const { width, height } = upright.canvas;
  sample.draw(upright, 0, 0, width, height);
  const styled = await stylize(upright.canvas.transferToImageBitmap());
  if (!styled) throw new VideoError('no-style');
  out.drawImage(styled, 0, 0, width, height);
  styled.close();
}

/** Renders every frame of `file` stylized into a new video file. Throws a VideoError (`cancelled` after an abort). */
export async function renderVideo(file: Blob, options: RenderOptions): Promise<RenderedVideo> {
  const input = new Input({ source: new BlobSource(file), formats: ALL_FORMATS });
  const target = await openOutputFile();
  const { format, codec, mimeType, extension } = outputFormat(options.kind);
  const output = new Output({ format, target: target.target });
  try {
    const track = await input.getPrimaryVideoTrack();
    if (!track) throw new VideoError('not-video');
    const size = renderSize(await track.getDisplayWidth(), await track.getDisplayHeight(), options.maxSide);
    const upright = new OffscreenCanvas(size.width, size.height).getContext('2d');
    const out = new OffscreenCanvas(size.width, size.height).getContext('2d');
    if (!upright || !out) throw new VideoError('failed', { detail: 'no 2D canvas' });
    const started = performance.now();
    let done = 0;
    const conversion = await Conversion.init({
      input,
      output,
      video: {
        codec,
        forceTranscode: true,
        // The rotation goes into the pixels, so the style sees the frame as it is shown and the output
        // plays upright everywhere (kept as metadata instead, it was dropped from the output: sideways).
        allowTransformationMetadata: false,
        processedWidth: size.width,
        processedHeight: size.height,
        process: async (sample) => {
          await stylizeSample(sample, upright, out, options.stylize);
          done += 1;
          options.onProgress?.({ frame: done, total: options.totalFrames, etaSeconds: etaSeconds(done, options.totalFrames, performance.now() - started) });
          return out.canvas;
        }
      }
    });
    if (!conversion.utilizedTracks.some((used) => used.isVideoTrack())) {
      const reason = conversion.discardedTracks.find((discarded) => discarded.track.isVideoTrack())?.reason;
      throw new VideoError(reason === 'no_encodable_target_codec' ? 'no-encoder' : 'undecodable');
    }
    const cancel = () => void conversion.cancel();
    if (options.signal?.aborted) throw new VideoError('cancelled');
    options.signal?.addEventListener('abort', cancel, { once: true });
    try {
      await conversion.execute();
    } finally {
      options.signal?.removeEventListener('abort', cancel);
    }
    const blob = await target.finish(mimeType);
    return { blob, extension, hasAudio: conversion.utilizedTracks.some((used) => used.isAudioTrack()) };
  } catch (error) {
    await output.cancel().catch(() => undefined);
    await target.discard();
    if (error instanceof VideoError) throw error;
    if (error instanceof ConversionCanceledError || options.signal?.aborted) throw new VideoError('cancelled', { cause: error });
    throw new VideoError('failed', { cause: error, detail: error instanceof Error ? error.message : String(error) });
  } finally {
    input.dispose();
  }
}
