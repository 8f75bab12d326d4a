// Pure parts of the app: camera errors and switching, URL options, preview sizing, photo names.
import { describe, expect, it } from 'vitest';
import { CameraError, cameraConstraints, nextCameraId, toCameraError } from '$lib/camera/camera';
import { fitLongSide } from '$lib/camera/frames';
import { WORKING_SIDES, nextWorkingSide } from '$lib/studio/preview';
import { readUrlOptions } from '$lib/studio/url-options';
import { photoFileName } from '$lib/studio/photo';

describe('camera', () => {
  it('prefers the front camera without requiring one (the fake test camera has no facing mode)', () => {
    const video = cameraConstraints().video as MediaTrackConstraints;
    expect(video.facingMode).toEqual({ ideal: 'user' });
    expect(JSON.stringify(video)).not.toContain('exact');
  });

  it('asks for exactly the chosen device when switching', () => {
    const video = cameraConstraints('back-camera').video as MediaTrackConstraints;
    expect(video.deviceId).toEqual({ exact: 'back-camera' });
    expect(video.facingMode).toBeUndefined();
  });

  it.each([
    ['NotAllowedError', /^Camera access was denied/],
    ['NotFoundError', /No camera was found/],
    ['NotReadableError', /camera is busy/],
    ['OverconstrainedError', /No camera was found/],
    ['TypeError', /could not be started/]
  ])('explains %s in words and offers a photo', (name, message) => {
    const error = toCameraError(new DOMException('raw browser text', name));
    expect(error).toBeInstanceOf(CameraError);
    expect(error.reason).toBe(name);
    expect(error.message).toMatch(message);
    expect(error.message).toMatch(/photo instead/);
    expect(error.message).not.toContain('raw browser text');
  });

  it('cycles through the cameras and has nothing to switch to with one', () => {
    const cameras = [{ deviceId: 'front' }, { deviceId: 'back' }, { deviceId: 'wide' }];
    expect(nextCameraId(cameras, 'front')).toBe('back');
    expect(nextCameraId(cameras, 'wide')).toBe('front');
    expect(nextCameraId(cameras, null)).toBe('front');
    expect(nextCameraId([{ deviceId: 'front' }], 'front')).toBeNull();
  });
});

describe('frame sizes', () => {
  it('fits the long side and keeps the aspect ratio, never upscaling', () => {
    expect(fitLongSide(1280, 720, 256)).toEqual({ width: 256, height: 144 });
    expect(fitLongSide(720, 1280, 256)).toEqual({ width: 144, height: 256 });
    expect(fitLongSide(200, 100, 256)).toEqual({ width: 200, height: 100 });
  });

  it('aims at 30 fps: shrinks the preview while frames are slow and grows it when the larger size fits', () => {
    expect(nextWorkingSide(256, 900)).toBe(192);
    expect(nextWorkingSide(192, 60)).toBe(160);
    expect(nextWorkingSide(WORKING_SIDES.at(-1)!, 5000)).toBe(WORKING_SIDES.at(-1));
    // 35 ms is close enough to 33 to stay; 160 → 192 costs (192/160)² = 1.44× the time.
    expect(nextWorkingSide(160, 35)).toBe(160);
    expect(nextWorkingSide(160, 20)).toBe(192);
    expect(nextWorkingSide(160, 25)).toBe(160);
    // Never past the keyframes' side, the scale the network is trained at.
    expect(nextWorkingSide(256, 1)).toBe(256);
  });
});

describe('URL options', () => {
  it('is plain by default', () => {
    expect(readUrlOptions('')).toEqual({ debug: false, init: {} });
  });

  it('reads the debug switch, forced backends and software GPUs, ignoring unknown names', () => {
    expect(readUrlOptions('?debug&backend=webgl,bogus,wasm&allowSoftwareGpu')).toEqual({
      debug: true,
      init: { preference: ['webgl', 'wasm'], allowSoftwareGpu: true }
    });
  });
});

describe('photos', () => {
  it('are named after the moment they were taken', () => {
    expect(photoFileName(new Date(2026, 10, 25, 9, 5, 3))).toBe('livebrush-2026-11-25-090503.png');
  });
});
