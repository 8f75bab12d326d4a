// Why a video could not be opened, recorded, stored or rendered, in words the person can act on.
import { m } from '$lib/paraglide/messages';

/** What went wrong with a video. */
export type VideoProblem = 'not-video' | 'undecodable' | 'storage-full' | 'cancelled' | 'no-style' | 'no-encoder' | 'failed';

/** The message of each problem, called when shown so that it is in the active language. */
const MESSAGES: Record<VideoProblem, () => string> = {
  'not-video': m.video_not_video,
  undecodable: m.video_undecodable,
  'storage-full': m.video_storage_full,
  cancelled: m.video_cancelled,
  'no-style': m.video_no_style,
  'no-encoder': m.video_no_encoder,
  failed: m.video_failed
};

/** The message shown for a problem, in the active language. */
export function videoMessage(problem: VideoProblem): string {
  return MESSAGES[problem]();
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
