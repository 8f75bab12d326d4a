// Why a video could not be opened, recorded, stored or rendered, in words the person can act on.

/** What went wrong with a video. */
export type VideoProblem = 'not-video' | 'undecodable' | 'storage-full' | 'cancelled' | 'no-style' | 'no-encoder' | 'failed';

/** The message shown for each problem. */
export const VIDEO_MESSAGES: Record<VideoProblem, string> = {
  'not-video': 'That file is not a video Livebrush can open. Try an MP4, WebM or MOV file.',
  undecodable: 'This browser cannot decode that video’s format. Try an MP4 (H.264) or WebM (VP9) file.',
  'storage-full':
    'Storage is full: the recording could not be kept. Free space on this device (or delete styles you no longer need), then try again.',
  cancelled: 'Rendering cancelled. Nothing was saved; your style and keyframes are unchanged.',
  'no-style': 'Paint a keyframe and let it train first: there is no style to render with yet.',
  'no-encoder': 'This browser cannot encode video, so rendering is not possible here.',
  failed: 'The video could not be rendered.'
};

/** A video problem with its message (`detail` adds the browser's own words for `failed`). */
export class VideoError extends Error {
  override name = 'VideoError';
  constructor(
    readonly problem: VideoProblem,
    options?: { cause?: unknown; detail?: string }
  ) {
    super(options?.detail ? `${VIDEO_MESSAGES[problem]} (${options.detail})` : VIDEO_MESSAGES[problem], options);
  }
}
