// A rendered video keeps what the person's file had: its rotation (a phone clip filmed upright stays
// upright), its display size and every frame's timestamp (variable frame rates too). The style is
// left out (an identity "stylize"), so what is checked is the pipeline around it.
import { ALL_FORMATS, BlobSource, CanvasSink, Input } from 'mediabunny';
import { describe, expect, it } from 'vitest';
import { renderVideo } from '$lib/video/render';
import rotatedClipUrl from '../fixtures/video/rotated-vfr.mp4?url';

/** What a viewer of a video file sees: rotation, upright size, timestamps, and where the red corner of the first frame is. */
async function describeVideo(file: Blob): Promise<{ rotation: number; width: number; height: number; timestamps: number[]; redCorner: string }> {
  const input = new Input({ source: new BlobSource(file), formats: ALL_FORMATS });
  try {
    const track = (await input.getPrimaryVideoTrack())!;
    const timestamps: number[] = [];
    let redCorner = '';
    // The sink draws each frame upright (the file's rotation applied), as a player shows it.
    for await (const { canvas, timestamp } of new CanvasSink(track).canvases()) {
      timestamps.push(Math.round(timestamp * 1000) / 1000);
      if (redCorner) continue;
      const context = (canvas as OffscreenCanvas).getContext('2d') as OffscreenCanvasRenderingContext2D;
      const { width, height } = canvas;
      const corners: [string, number, number][] = [
        ['top-left', 2, 2],
        ['top-right', width - 3, 2],
        ['bottom-left', 2, height - 3],
        ['bottom-right', width - 3, height - 3]
      ];
      redCorner = corners
        .filter(([, x, y]) => {
          const [r, g, b] = context.getImageData(x, y, 1, 1).data;
          return r > 150 && g < 90 && b < 90;
        })
        .map(([name]) => name)
        .join(',');
    }
    return { rotation: await track.getRotation(), width: await track.getDisplayWidth(), height: await track.getDisplayHeight(), timestamps, redCorner };
  } finally {
    input.dispose();
  }
}

describe('rendering a video file', () => {
  it('keeps a rotated, variable-frame-rate clip upright, at its size, with every timestamp', async () => {
    const source = await (await fetch(rotatedClipUrl)).blob();
    const before = await describeVideo(source);
    // The fixture really is what the test is about: rotated, with uneven frame gaps and one red corner.
    expect(before.rotation).not.toBe(0);
    expect(new Set(before.timestamps.slice(1).map((t, i) => Math.round((t - before.timestamps[i]) * 1000))).size).toBeGreaterThan(1);
    expect(before.redCorner.split(',')).toHaveLength(1);

    const frames: { width: number; height: number }[] = [];
    const rendered = await renderVideo(source, {
      stylize: async (frame) => {
        frames.push({ width: frame.width, height: frame.height });
        return frame;
      },
      maxSide: 1280,
      totalFrames: before.timestamps.length,
      kind: 'mp4'
    });
    const after = await describeVideo(rendered.blob);

    // The style sees every frame upright, at the size a player shows.
    expect(frames).toHaveLength(before.timestamps.length);
    expect(frames[0]).toEqual({ width: before.width, height: before.height });
    // The output shows the same: same upright size, the red corner where it was, every frame at its time.
    expect({ width: after.width, height: after.height }).toEqual({ width: before.width, height: before.height });
    expect(after.redCorner).toBe(before.redCorner);
    expect(after.timestamps).toEqual(before.timestamps);
  });
});
