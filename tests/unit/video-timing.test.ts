import { describe, expect, it } from 'vitest';
import { etaSeconds, formatSeconds, frameIndexAt, frameTimestamps, renderSize, seekTimeOf } from '$lib/video/timing';
import { chooseOutput, type EncoderProbe } from '$lib/video/output';
import { recordingMimeType } from '$lib/video/recorder';

describe('frame indices and timestamps', () => {
  // Variable frame rate: gaps of 1/30 s and 1/10 s, packets in decode order (B-frames reorder them).
  const vfr = frameTimestamps([0, 0.1, 0.0333, 0.2, 0.1333, 0.1]);

  it('sorts packet timestamps into presentation order and drops duplicates', () => {
    expect(vfr).toEqual([0, 0.0333, 0.1, 0.1333, 0.2]);
  });

  it('maps a time to the frame shown then, across uneven gaps', () => {
    expect(frameIndexAt(vfr, 0)).toBe(0);
    expect(frameIndexAt(vfr, 0.05)).toBe(1);
    expect(frameIndexAt(vfr, 0.1)).toBe(2);
    expect(frameIndexAt(vfr, 0.19)).toBe(3);
    expect(frameIndexAt(vfr, 5)).toBe(4);
    expect(frameIndexAt(vfr, -1)).toBe(0);
  });

  it('seeks inside each frame, so the player shows that frame and not its neighbour', () => {
    for (let index = 0; index < vfr.length; index++) expect(frameIndexAt(vfr, seekTimeOf(vfr, index))).toBe(index);
    expect(frameIndexAt(vfr, seekTimeOf(vfr, 99))).toBe(vfr.length - 1);
  });
});

describe('render figures', () => {
  it('estimates the time left at the pace so far', () => {
    expect(etaSeconds(0, 60, 0)).toBeNull();
    expect(etaSeconds(10, 60, 5000)).toBeCloseTo(25);
    expect(etaSeconds(60, 60, 30000)).toBe(0);
  });

  it('formats seconds as m:ss, rounding up', () => {
    expect(formatSeconds(0)).toBe('0:00');
    expect(formatSeconds(0.2)).toBe('0:01');
    expect(formatSeconds(65)).toBe('1:05');
  });

  it('fits the long side, never upscales, and keeps both sides even for the encoder', () => {
    expect(renderSize(1920, 1080, 1280)).toEqual({ width: 1280, height: 720 });
    expect(renderSize(320, 240, 1280)).toEqual({ width: 320, height: 240 });
    expect(renderSize(721, 527, 4000)).toEqual({ width: 720, height: 526 });
    expect(renderSize(1080, 1920, 640)).toEqual({ width: 360, height: 640 });
  });
});

describe('codec choice', () => {
  const encoders = (supported: string[], webCodecs = true): EncoderProbe => ({
    webCodecs,
    canEncode: async (codec) => supported.includes(codec)
  });

  it('prefers H.264 in MP4, then VP9 in WebM', async () => {
    expect(await chooseOutput(640, 480, encoders(['avc', 'vp9']))).toBe('mp4');
    expect(await chooseOutput(640, 480, encoders(['vp9']))).toBe('webm');
  });

  it('falls back to MediaRecorder where WebCodecs is missing, or nothing where that is missing too', async () => {
    const withRecorder = globalThis as { MediaRecorder?: unknown };
    const saved = withRecorder.MediaRecorder;
    try {
      withRecorder.MediaRecorder = class {};
      expect(await chooseOutput(640, 480, encoders(['avc'], false))).toBe('mediarecorder');
      delete withRecorder.MediaRecorder;
      expect(await chooseOutput(640, 480, encoders([], false))).toBeNull();
      expect(await chooseOutput(640, 480, encoders([]))).toBeNull();
    } finally {
      withRecorder.MediaRecorder = saved;
    }
  });

  it('records WebM where MediaRecorder has it, MP4 otherwise (Safari)', () => {
    expect(recordingMimeType((type) => type.startsWith('video/webm'))).toBe('video/webm;codecs=vp8,opus');
    expect(recordingMimeType((type) => type === 'video/mp4')).toBe('video/mp4');
    expect(recordingMimeType(() => false)).toBe('');
  });
});
