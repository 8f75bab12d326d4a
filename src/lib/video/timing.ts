// Frame indices, timestamps and sizes of a video: pure arithmetic, no media APIs.

/** The presentation timestamps (seconds) of a track's frames, from its packets in any order: sorted, without duplicates. */
export function frameTimestamps(packetTimestamps: Iterable<number>): number[] {
  const sorted = [...packetTimestamps].sort((a, b) => a - b);
  return sorted.filter((time, index) => index === 0 || time !== sorted[index - 1]);
}

/** The index of the frame shown at `time` (seconds): the last frame starting at or before it (0 before the first). */
export function frameIndexAt(timestamps: readonly number[], time: number): number {
  let low = 0;
  let high = timestamps.length - 1;
  let found = 0;
  while (low <= high) {
    const middle = (low + high) >> 1;
    if (timestamps[middle] <= time + 1e-6) {
      found = middle;
      low = middle + 1;
    } else {
      high = middle - 1;
    }
  }
  return found;
}

/**
 * The time (seconds) to seek a video element to so that it shows frame `index`: a quarter into the
 * frame, so rounding in the player never lands on the frame before. Clamped to the frames there are.
 */
export function seekTimeOf(timestamps: readonly number[], index: number): number {
  if (timestamps.length === 0) return 0;
  const at = Math.min(Math.max(0, Math.round(index)), timestamps.length - 1);
  const next = timestamps[at + 1] ?? timestamps[at] + (at > 0 ? timestamps[at] - timestamps[at - 1] : 1 / 30);
  return timestamps[at] + (next - timestamps[at]) / 4;
}

/** Seconds left when `done` of `total` frames took `elapsedMs`, at the pace so far (null before the first frame). */
export function etaSeconds(done: number, total: number, elapsedMs: number): number | null {
  if (done <= 0 || total <= 0) return null;
  return Math.max(0, ((total - done) * elapsedMs) / done / 1000);
}

/**
 * The output size for a `width × height` video whose long side may be at most `maxSide` (never
 * upscaled), rounded down to even numbers as H.264 and VP9 with 4:2:0 chroma need.
 */
export function renderSize(width: number, height: number, maxSide: number): { width: number; height: number } {
  const scale = Math.min(1, maxSide / Math.max(width, height));
  const even = (value: number) => Math.max(2, 2 * Math.floor((value * scale) / 2));
  return { width: even(width), height: even(height) };
}

/** "1:05" for 65 seconds (rounded up, so the last second shows as 0:01, not 0:00). */
export function formatSeconds(seconds: number): string {
  const whole = Math.ceil(Math.max(0, seconds));
  return `${Math.floor(whole / 60)}:${String(whole % 60).padStart(2, '0')}`;
}
