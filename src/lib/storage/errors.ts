import { m } from '$lib/paraglide/messages';
/** The browser refused a write for lack of space; nothing of that write was kept. */
export class StorageFullError extends Error {
  override name = 'StorageFullError';
  constructor(options?: { cause?: unknown }) {
    super(m.storage_full(), options);
  }
}

/** No saved style has this id (deleted in another tab, or never saved). */
export class PresetNotFoundError extends Error {
  override name = 'PresetNotFoundError';
  constructor(id: string) {
    super(m.preset_not_found({ id }));
  }
}

/** Whether `error` is the browser's "out of quota", thrown directly or as the reason a transaction aborted. */
export function isQuotaError(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  return error.name === 'QuotaExceededError' || (error.cause !== undefined && isQuotaError(error.cause));
}

/** Runs a storage write, turning a quota failure into a {@link StorageFullError}. */
export async function mapQuotaErrors<T>(write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (error) {
    throw isQuotaError(error) ? new StorageFullError({ cause: error }) : error;
  }
}
