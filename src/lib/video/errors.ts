// Why a video could not be opened, recorded, stored or rendered, in words the person can act on.
import { m } from '$lib/paraglide/messages';

/** What went wrong with a video. */
export type VideoProblem = 'not-video' | 'undecodable' | 'storage-full' | 'cancelled' | 'no-style' | 'no-encoder' | 'failed';

/** The message shown for a problem, in the active language. */
export function videoMessage(problem: VideoProblem): string {
  switch (problem) {
    case 'not-video':
      return m.video_not_video();
    case 'undecodable':
      return m.video_undecodable();
    case 'storage-full':
      return m.video_storage_full();
    case 'cancelled':
      return m.video_cancelled();
    case 'no-style':
      return m.video_no_style();
    case 'no-encoder':
      return m.video_no_encoder();
    case 'failed':
      return m.video_failed();
  }
}

/** A video problem with its message (`detail` adds the browser's own words for `failed`). */
export class VideoError extends Error {
  override name = 'VideoError';
  constructor(
    readonly problem: VideoProblem,
    options?: { cause?: unknown; detail?: string }
  ) {
    super(options?.detail ? `${videoMessage(problem)} (${options.detail})` : videoMessage(problem), options);
  }
}
