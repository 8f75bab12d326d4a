// Pure wording for the studio's status line.
import type { PreviewStats } from './preview';
import { formatNumber } from '$lib/i18n/locale';
import { m } from '$lib/paraglide/messages';

/** How the preview is doing: its stylized frame rate once stylized frames are shown, else that the camera is live. */
export function previewRateLabel(stats: PreviewStats, sourceReady: boolean): string {
  if (!sourceReady) return m.status_no_camera();
  if (stats.shownStep < 0) return m.status_camera_live();
  return m.status_fps({ fps: formatNumber(stats.fps, 1) });
}
