// Pure wording for the studio's status line.
import type { PreviewStats } from './preview';

/** How the preview is doing: its stylized frame rate once stylized frames are shown, else that the camera is live. */
export function previewRateLabel(stats: PreviewStats, sourceReady: boolean): string {
  if (!sourceReady) return 'no camera';
  if (stats.shownStep < 0) return 'camera live';
  return `${stats.fps.toFixed(1)} fps`;
}
