/** Usage texts, kept apart from the commands so --help answers without loading TensorFlow.js. */

/** `train --help`. */
export const TRAIN_HELP = `Usage: livebrush train --keyframe K.png --styled P.png [--mask M.png] [--keyframe … --styled … [--mask …]]…
                      (--seconds S | --steps N) [--config mobile|reference|FILE.json] [--seed N] [--replicas N] --model OUT.lbw

  --keyframe K.png   a video frame (repeat for several keyframes)
  --video V.mp4      instead of --keyframe: the keyframe is a frame of this video (needs ffmpeg), and
  --frame N          which one: 0-based, in presentation order, upright (the app's Frame slider);
                     "livebrush frame" writes that frame as a PNG to paint
  --styled P.png     the painting of the preceding keyframe (same size)
  --mask M.png       optional: learn only where red ≥ 128 (same size)
  --seconds S        train for S seconds of wall-clock time, or
  --steps N          train for N optimisation steps
  --config C         network: mobile (default), reference, a network JSON file, or
                     {"network": <name or network JSON>, "training": {patchSize, batchSize, learningRate, perceptual, …}}
  --seed N           seed for initialisation and patch sampling (default 1)
  --replicas N       train on N cores at once: each thread learns from its own patches and all
                     apply the mean gradient, so a step covers N × batchSize patches
                     (default: one per core, at most 4)
  --model OUT.lbw    where to write the trained model (atomically)
Ctrl-C stops training early and still writes the model.`;

/** `stylize --help`. */
export const STYLIZE_HELP = `Usage: livebrush stylize --model MODEL.lbw --input DIR_OR_PNG_OR_VIDEO --output DIR_OR_MP4 [--keyframe K.png --styled P.png]

  --model MODEL.lbw   a model written by "livebrush train"
  --input PATH        one PNG, a folder whose *.png files are all stylized, or a video file
  --output PATH       for PNGs: a folder for the results (created if needed), PNGs of the same names
                      and sizes; for a video: an MP4 (H.264) of the same size, frame rate and audio
  --keyframe K.png    the first keyframe the model was trained on, and
  --styled P.png      its painting: strokes the network does not reproduce are carried into each
                      frame by the camera motion from the keyframe, as in the app (the frames are
                      tracked in name order)
  --working-side N    videos: the long side frames are stylized at before they are upscaled to their
                      own size (default: the keyframe's long side, else 256)

Videos need ffmpeg and ffprobe on PATH.`;

/** `frame --help`. */
export const FRAME_HELP = `Usage: livebrush frame --input VIDEO --frame N --output K.png

Writes frame N of a video (0-based, in presentation order, upright, at the video's size) as a PNG:
paint it in any editor, then train on it with --keyframe K.png (or --video VIDEO --frame N).
Needs ffmpeg and ffprobe on PATH.`;

/** `tune --help`. */
export const TUNE_HELP = `Usage: livebrush tune --keyframe K.png --styled P.png [--mask M.png]… --validate FRAME.png=TRUTH.png… --seconds S
                     [--grid star|full] [--config mobile|reference|FILE.json] [--seed N]

The method paper's hyper-parameter search: each candidate (patch size, patches per step, learning
rate, residual blocks, width) trains for S seconds on the keyframes, then stylizes every FRAME and is
scored against its TRUTH (PSNR, SSIM). Prints a table, best first.

  --keyframe, --video/--frame, --styled, --mask   the keyframe examples, as for train
  --validate F=T   a frame not used for training and its stylized ground truth (repeatable)
  --seconds S      training time per candidate
  --grid star      (default) the base settings plus one setting changed at a time
  --grid full      every combination (3^5 = 243 candidates: long)
  --config C       the base network and training settings (as for train)`;
