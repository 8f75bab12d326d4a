import { decodeWeights } from '$lib/ml/weights';
import { parsePaintDocument } from '$lib/paint/document';

/**
 * The network configuration in a `.lbw` weights file, after the ML core has checked the whole file
 * (header, tensor table, every shape against the configuration). Throws its WeightsFormatError.
 */
export function readNetworkConfig(weights: Uint8Array): unknown {
  return decodeWeights(weights).config;
}

/** Validates a stroke document with the paint module (throws its PaintDocumentError). */
export function checkStrokeDocument(json: unknown): unknown {
  return parsePaintDocument(json);
}
