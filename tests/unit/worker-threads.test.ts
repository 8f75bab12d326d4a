// How the live engine splits the cores between its two workers, and the URL switches of the engine.
import { describe, expect, it } from 'vitest';
import { splitThreads, threadsNote } from '$lib/worker/threads';
import { readUrlOptions } from '$lib/studio/url-options';

describe('WASM threads', () => {
  it('runs one thread per worker where the page is not cross-origin isolated, and says why', () => {
    expect(splitThreads(8, false)).toEqual({ preview: 1, training: 1 });
    expect(threadsNote({ preview: 1, training: 1 }, false)).toMatch(/single-threaded.*not cross-origin isolated/);
  });

  it('splits the cores between the two sides without oversubscribing (up to 4 threads each)', () => {
    expect(splitThreads(2, true)).toEqual({ preview: 1, training: 1 });
    expect(splitThreads(3, true)).toEqual({ preview: 2, training: 1 });
    expect(splitThreads(4, true)).toEqual({ preview: 2, training: 2 });
    expect(splitThreads(8, true)).toEqual({ preview: 4, training: 4 });
    expect(splitThreads(16, true)).toEqual({ preview: 4, training: 4 });
    expect(threadsNote({ preview: 2, training: 2 }, true)).toBe('WASM threads: 2 for the preview, 2 for training');
  });

  it('never asks for threads a single core cannot run', () => {
    expect(splitThreads(1, true)).toEqual({ preview: 1, training: 1 });
    expect(splitThreads(0, true)).toEqual({ preview: 1, training: 1 });
  });
});

describe('engine switches in the URL', () => {
  it('starts the parallel engine unless ?engine=single asks for the old one', () => {
    expect(readUrlOptions('?debug').init.engine).toBeUndefined();
    expect(readUrlOptions('?engine=single').init.engine).toBe('single');
    expect(readUrlOptions('?engine=other').init.engine).toBeUndefined();
  });

  it('reads the benchmark switches: GPU call counting and a fixed preview side', () => {
    expect(readUrlOptions('?gpuCalls&forceGpuFrames&side=256').init).toMatchObject({ countGpuCalls: true, forceGpuFrames: true, previewSide: 256 });
    expect(readUrlOptions('?side=5').init.previewSide).toBeUndefined();
    expect(readUrlOptions('?side=abc').init.previewSide).toBeUndefined();
  });
});
