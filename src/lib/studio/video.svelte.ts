// Video in the studio: a video file as the frame source (scrub, play, render) and recording the camera.
import type { Studio } from './studio.svelte';
import { toaster } from './toasts.svelte';
import { downloadBlob } from './photo';
import { StorageFullError, isQuotaError } from '$lib/storage/errors';
import { VideoError, videoMessage } from '$lib/video/errors';
import { m } from '$lib/paraglide/messages';
import { browserEncoders, chooseOutput } from '$lib/video/output';
import { probeVideo, type VideoInfo } from '$lib/video/probe';
import { CameraRecorder, microphoneTrack } from '$lib/video/recorder';
import { stopStream } from '$lib/camera/camera';
import { deleteRecording, listRecordings, loadRecording, type RecordingRecord } from '$lib/video/recordings';
import { renderVideo, type RenderProgress } from '$lib/video/render';
import { withDuration } from '$lib/video/remux';
import { frameIndexAt, renderSize, seekTimeOf } from '$lib/video/timing';

/** Recordings render at most this long side (the camera's resolution up to 1280). */
export const RECORDING_MAX_SIDE = 1280;
/** Long sides offered for a video file's render, besides its own size. */
export const OUTPUT_SIDES = [1920, 1280, 960, 640, 320] as const;

/** A rendered video, ready to download again or share. */
export interface RenderedFile {
  blob: Blob;
  name: string;
}

/** A file name like `livebrush-2026-11-25-171502.mp4`. */
export function videoFileName(date: Date, extension: string): string {
  const pad = (value: number) => String(value).padStart(2, '0');
  return `livebrush-${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}-${pad(date.getHours())}${pad(date.getMinutes())}${pad(date.getSeconds())}.${extension}`;
}

/** The message for whatever a video action threw. */
function messageFor(error: unknown): string {
  if (error instanceof VideoError) return error.message;
  if (error instanceof StorageFullError || isQuotaError(error)) return videoMessage('storage-full');
  return `${videoMessage('failed')} (${error instanceof Error ? error.message : String(error)})`;
}

/** The studio's video state: one instance next to the Studio. */
export class VideoStudio {
  /** The opened video file's facts, or null while the camera (or a photo) is the source. */
  info = $state.raw<VideoInfo | null>(null);
  /** The file's name, as shown. */
  fileName = $state('');
  /** The 0-based index of the frame shown (while paused) or last reached. */
  frameIndex = $state(0);
  /** Whether the video file plays (looping). */
  playing = $state(false);
  /** The chosen long side of a file render (its own size when larger). */
  outputSide = $state<number>(OUTPUT_SIDES[0]);
  /** The render under way, or null. */
  progress = $state.raw<RenderProgress | null>(null);
  /** The last rendered video, for "Download video" and Share. */
  lastRender = $state.raw<RenderedFile | null>(null);
  /** The recording under way, or null. */
  recording = $state.raw<CameraRecorder | null>(null);
  /** Seconds recorded so far. */
  recordedSeconds = $state(0);
  /** Recordings kept from earlier (not rendered, not discarded): offered for rendering. */
  keptRecordings = $state.raw<RecordingRecord[]>([]);

  private file: Blob | null = null;
  private element: HTMLVideoElement | null = null;
  private objectUrl: string | null = null;
  private abort: AbortController | null = null;
  private recordTimer: ReturnType<typeof setInterval> | undefined;
  /** The stream of the preview being recorded (where WebCodecs is missing), stopped with the recording. */
  private previewCapture: MediaStream | null = null;
  private seeking: Promise<void> = Promise.resolve();

  constructor(private readonly studio: Studio) {}

  /** Whether a render is under way. */
  get rendering(): boolean {
    return this.progress !== null;
  }

  /** The long sides the size picker offers for the open file: its own and the smaller standard ones. */
  get sideChoices(): number[] {
    if (!this.info) return [];
    const own = Math.max(this.info.width, this.info.height);
    return [own, ...OUTPUT_SIDES.filter((side) => side < own)];
  }

  /** Looks for recordings left from an earlier visit (a closed tab, a render never made). */
  async findKeptRecordings(): Promise<void> {
    try {
      this.keptRecordings = await listRecordings();
    } catch {
      this.keptRecordings = [];
    }
  }

  /** Opens `file` as the studio's source; a file that is no video, or one this browser cannot decode, is refused with a message. */
  async open(file: File): Promise<void> {
    if (this.rendering || this.recording) return;
    let info: VideoInfo;
    try {
      info = await probeVideo(file);
    } catch (error) {
      toaster.error(messageFor(error));
      return;
    }
    const element = document.createElement('video');
    element.muted = true;
    element.playsInline = true;
    element.loop = true;
    const url = URL.createObjectURL(file);
    element.src = url;
    try {
      await new Promise<void>((resolve, reject) => {
        element.addEventListener('loadeddata', () => resolve(), { once: true });
        element.addEventListener('error', () => reject(new VideoError('undecodable')), { once: true });
      });
    } catch (error) {
      URL.revokeObjectURL(url);
      toaster.error(messageFor(error));
      return;
    }
    this.closeFile();
    this.file = file;
    this.element = element;
    this.objectUrl = url;
    this.info = info;
    this.fileName = file.name;
    this.frameIndex = 0;
    this.outputSide = Math.max(info.width, info.height);
    element.addEventListener('timeupdate', () => {
      if (this.playing && this.info) this.frameIndex = frameIndexAt(this.info.timestamps, element.currentTime);
    });
    this.studio.useVideoElement(element);
    await this.play();
  }

  /** Plays the video (looping); the preview shows it stylized. */
  async play(): Promise<void> {
    if (!this.element) return;
    this.playing = true;
    await this.element.play().catch(() => (this.playing = false));
  }

  /** Pauses on the frame shown. */
  pause(): void {
    this.element?.pause();
    this.playing = false;
  }

  /** Pauses and shows frame `index` (0-based); resolves once it is on screen. */
  async showFrame(index: number): Promise<void> {
    const element = this.element;
    if (!element || !this.info) return;
    this.pause();
    this.frameIndex = Math.min(Math.max(0, Math.round(index)), this.info.timestamps.length - 1);
    const seeked = new Promise<void>((resolve) => element.addEventListener('seeked', () => resolve(), { once: true }));
    element.currentTime = seekTimeOf(this.info.timestamps, this.frameIndex);
    this.seeking = seeked;
    await seeked;
  }

  /** Resolves once the frame last asked for is shown (a capture right after moving "Frame" takes that frame). */
  async settled(): Promise<void> {
    await this.seeking;
  }

  /** Back to the camera: the video file is closed. */
  async useCamera(): Promise<void> {
    if (this.rendering) return;
    this.closeFile();
    this.studio.useVideoElement(null);
    await this.studio.startCamera();
  }

  private closeFile(): void {
    this.element?.pause();
    this.element?.removeAttribute('src');
    this.element?.load();
    if (this.objectUrl) URL.revokeObjectURL(this.objectUrl);
    this.element = null;
    this.objectUrl = null;
    this.file = null;
    this.info = null;
    this.playing = false;
  }

  /** Renders the open video file at the chosen size. */
  async renderFile(): Promise<void> {
    if (!this.file || !this.info || this.rendering) return;
    const wasPlaying = this.playing;
    this.pause();
    await this.render(this.file, this.outputSide, this.info.timestamps.length);
    if (wasPlaying) await this.play();
  }

  /**
   * Whether "Record" records the stylized preview as it plays instead of the camera: where WebCodecs is
   * missing nothing can render a recording afterwards (MediaRecorder is the only encoder there).
   */
  get recordsPreview(): boolean {
    return !browserEncoders.webCodecs;
  }

  /** Starts recording the camera (with the microphone when the person allows it); the preview keeps running. */
  async startRecording(): Promise<void> {
    const camera = this.studio.cameraStream;
    if (!camera || this.recording || this.rendering) return;
    const preview = this.recordsPreview ? this.studio.previewStream() : null;
    if (this.recordsPreview && !preview) return;
    const microphone = await microphoneTrack();
    try {
      this.recording = await CameraRecorder.start(
        preview ?? camera,
        microphone,
        (error) => {
          toaster.error(messageFor(error));
          void this.stopRecording();
        },
        preview !== null
      );
      this.previewCapture = preview;
    } catch (error) {
      microphone?.stop();
      stopStream(preview);
      toaster.error(isQuotaError(error) || error instanceof StorageFullError ? videoMessage('storage-full') : messageFor(error));
      return;
    }
    this.recordedSeconds = 0;
    const started = performance.now();
    this.recordTimer = setInterval(() => (this.recordedSeconds = (performance.now() - started) / 1000), 250);
  }

  /** Stops recording; the kept recording is then rendered with the current style (or saved, when it is the stylized preview). */
  async stopRecording(): Promise<void> {
    const recorder = this.recording;
    if (!recorder) return;
    clearInterval(this.recordTimer);
    this.recording = null;
    let record: RecordingRecord;
    try {
      record = await recorder.stop();
    } catch {
      // The storage error was already shown when it happened.
      return;
    } finally {
      stopStream(this.previewCapture);
      this.previewCapture = null;
    }
    await this.renderRecording(record);
  }

  /**
   * Renders kept recording `record` at the camera's resolution (at most 1280 px); a recording of the
   * stylized preview is saved as it is. Either is deleted once saved.
   */
  async renderRecording(record: RecordingRecord): Promise<void> {
    if (this.rendering) return;
    const blob = await loadRecording(record.id);
    if (!blob) {
      await this.findKeptRecordings();
      return;
    }
    if (record.stylized) {
      this.save(await withDuration(blob), blob.type.includes('mp4') ? 'mp4' : 'webm');
      await deleteRecording(record.id);
      await this.findKeptRecordings();
      return;
    }
    let info: VideoInfo;
    try {
      info = await probeVideo(blob);
    } catch (error) {
      toaster.error(messageFor(error));
      return;
    }
    const rendered = await this.render(blob, RECORDING_MAX_SIDE, info.timestamps.length);
    if (rendered) await deleteRecording(record.id);
    await this.findKeptRecordings();
  }

  /** Deletes a kept recording without rendering it. */
  async discardRecording(record: RecordingRecord): Promise<void> {
    await deleteRecording(record.id);
    await this.findKeptRecordings();
    toaster.info(m.recording_discarded());
  }

  /** Whether this browser can share the last rendered video through the system share sheet. */
  get shareable(): boolean {
    const last = this.lastRender;
    if (!last || typeof navigator.canShare !== 'function') return false;
    return navigator.canShare({ files: [new File([last.blob], last.name, { type: last.blob.type })] });
  }

  /** Opens the share sheet with the last rendered video (a cancelled sheet is no error). */
  async share(): Promise<void> {
    const last = this.lastRender;
    if (!last) return;
    await navigator.share({ files: [new File([last.blob], last.name, { type: last.blob.type })], title: 'Livebrush' }).catch(() => undefined);
  }

  /** Cancels the render under way. */
  cancelRender(): void {
    this.abort?.abort();
  }

  /** Renders `file` and downloads the result; resolves true when it was saved. */
  private async render(file: Blob, maxSide: number, totalFrames: number): Promise<boolean> {
    this.abort = new AbortController();
    const signal = this.abort.signal;
    this.progress = { frame: 0, total: totalFrames, etaSeconds: null };
    try {
      const probe = await probeVideo(file);
      const size = renderSize(probe.width, probe.height, maxSide);
      const kind = await chooseOutput(size.width, size.height);
      if (kind !== 'mp4' && kind !== 'webm') throw new VideoError('no-encoder');
      const rendered = await this.studio.withRenderer((stylize) =>
        renderVideo(file, { stylize, maxSide, totalFrames, kind, signal, onProgress: (progress) => (this.progress = progress) })
      );
      this.save(rendered.blob, rendered.extension);
      return true;
    } catch (error) {
      toaster.error(messageFor(error));
      return false;
    } finally {
      this.progress = null;
      this.abort = null;
    }
  }

  /** Downloads a finished video and keeps it for "Download video" and Share. */
  private save(blob: Blob, extension: string): void {
    const name = videoFileName(new Date(), extension);
    this.lastRender = { blob, name };
    downloadBlob(blob, name);
    toaster.info(m.video_saved({ name }));
  }

  /** Stops recording, rendering and playback. */
  destroy(): void {
    this.abort?.abort();
    clearInterval(this.recordTimer);
    void this.recording?.stop().catch(() => undefined);
    stopStream(this.previewCapture);
    this.closeFile();
  }
}
