// The camera: front camera by default, switching between devices, and errors a person understands.
import { m } from '$lib/paraglide/messages';

/** Why the camera could not be used, in a form the UI can show as it is. */
export class CameraError extends Error {
  /** The DOMException name (or 'InsecureContext' / 'Unsupported') that caused it. */
  readonly reason: string;

  constructor(reason: string, message: string) {
    super(message);
    this.name = 'CameraError';
    this.reason = reason;
  }
}

/** A running camera: its stream, which device it is and whether the view should be mirrored. */
export interface OpenCamera {
  stream: MediaStream;
  deviceId: string | null;
  /** True for a front (selfie) camera or one whose direction is unknown: shown like a mirror. */
  mirrored: boolean;
}

/** The getUserMedia constraints: a given device, or the front camera preferred (never required). */
export function cameraConstraints(deviceId?: string | null): MediaStreamConstraints {
  const size = { width: { ideal: 1280 }, height: { ideal: 720 } };
  const video: MediaTrackConstraints = deviceId
    ? { deviceId: { exact: deviceId }, ...size }
    : { facingMode: { ideal: 'user' }, ...size };
  return { video, audio: false };
}

/** Turns whatever getUserMedia threw into a CameraError whose message says what to do. */
export function toCameraError(error: unknown): CameraError {
  if (error instanceof CameraError) return error;
  const name = error instanceof Error || error instanceof DOMException ? error.name : 'Error';
  switch (name) {
    case 'NotAllowedError':
    case 'PermissionDeniedError':
    case 'SecurityError':
      return new CameraError(
        name,
        m.camera_denied()
      );
    case 'NotFoundError':
    case 'DevicesNotFoundError':
    case 'OverconstrainedError':
      return new CameraError(name, m.camera_not_found());
    case 'NotReadableError':
    case 'TrackStartError':
    case 'AbortError':
      return new CameraError(
        name,
        m.camera_busy()
      );
    default:
      return new CameraError(name, m.camera_failed());
  }
}

/** Opens the camera (the front one unless `deviceId` says otherwise); throws a CameraError. */
export async function openCamera(deviceId?: string | null): Promise<OpenCamera> {
  if (typeof window !== 'undefined' && !window.isSecureContext) {
    throw new CameraError(
      'InsecureContext',
      m.camera_insecure()
    );
  }
  if (!navigator.mediaDevices?.getUserMedia) {
    throw new CameraError('Unsupported', m.camera_unsupported());
  }
  try {
    const stream = await navigator.mediaDevices.getUserMedia(cameraConstraints(deviceId));
    const settings = stream.getVideoTracks()[0]?.getSettings() ?? {};
    return {
      stream,
      deviceId: settings.deviceId ?? deviceId ?? null,
      mirrored: settings.facingMode !== 'environment'
    };
  } catch (error) {
    throw toCameraError(error);
  }
}

/** The video input devices (labels are filled only after permission was granted). */
export async function listCameras(): Promise<MediaDeviceInfo[]> {
  if (!navigator.mediaDevices?.enumerateDevices) return [];
  const devices = await navigator.mediaDevices.enumerateDevices();
  return devices.filter((device) => device.kind === 'videoinput');
}

/** The camera after `currentId` in `cameras`, wrapping around; null when there is nothing to switch to. */
export function nextCameraId(cameras: readonly { deviceId: string }[], currentId: string | null): string | null {
  if (cameras.length < 2) return null;
  const index = cameras.findIndex((camera) => camera.deviceId === currentId);
  return cameras[(index + 1) % cameras.length].deviceId;
}

/** Stops every track of a stream (the camera light goes off). */
export function stopStream(stream: MediaStream | null): void {
  for (const track of stream?.getTracks() ?? []) track.stop();
}
