// Short messages for the person, shown as one toast inside the viewport and announced to screen readers.

/** A button on a toast (e.g. "Undo"). */
export interface ToastAction {
  label: string;
  run: () => void;
}

/** One message; it goes after a while (errors stay longest), when dismissed, or when replaced. */
export interface Toast {
  id: number;
  text: string;
  kind: 'info' | 'error';
  action: ToastAction | null;
}

/** How long an info toast stays, and one with an action (time to reach its button). */
const INFO_MS = 8_000;
const ACTION_MS = 10_000;
/** Errors stay long enough to read twice, then free the screen. */
const ERROR_MS = 20_000;

/** The one message on screen: a new message replaces the previous one, so nothing stale lingers. */
export class Toaster {
  /** The toast on screen, or null. */
  current = $state.raw<Toast | null>(null);
  /** How many inline hosts (e.g. an open modal sheet) show the toast instead of the page. */
  inlineHosts = $state(0);
  private nextId = 1;
  private timer: ReturnType<typeof setTimeout> | undefined;

  /** Shows an information (with an optional action); it replaces whatever was shown. */
  info(text: string, action: ToastAction | null = null, ms = action ? ACTION_MS : INFO_MS): void {
    this.show({ id: this.nextId++, text, kind: 'info', action }, ms);
  }

  /** Shows an error; it stays until dismissed, replaced, or for ERROR_MS. */
  error(text: string): void {
    this.show({ id: this.nextId++, text, kind: 'error', action: null }, ERROR_MS);
  }

  /** Removes the toast on screen (or only toast `id`, if it is still the one shown). */
  dismiss(id?: number): void {
    if (id !== undefined && this.current?.id !== id) return;
    clearTimeout(this.timer);
    this.current = null;
  }

  /** An inline host (a modal sheet over the page) shows the toast while it is open; returns its release. */
  hostInline(): () => void {
    this.inlineHosts += 1;
    return () => (this.inlineHosts -= 1);
  }

  private show(toast: Toast, ms: number): void {
    clearTimeout(this.timer);
    this.current = toast;
    this.timer = setTimeout(() => this.dismiss(toast.id), ms);
  }
}

/** The page's toaster. */
export const toaster = new Toaster();
