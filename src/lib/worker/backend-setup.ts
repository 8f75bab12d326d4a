// Starting tfjs in a worker: the bundled WASM binaries, the backend choice with its fallback, threads.
import wasmPlain from '@tensorflow/tfjs-backend-wasm/wasm-out/tfjs-backend-wasm.wasm?url';
import wasmSimd from '@tensorflow/tfjs-backend-wasm/wasm-out/tfjs-backend-wasm-simd.wasm?url';
import wasmThreadedSimd from '@tensorflow/tfjs-backend-wasm/wasm-out/tfjs-backend-wasm-threaded-simd.wasm?url';
import * as tf from '@tensorflow/tfjs-core';
import { DEFAULT_BACKENDS, initBackend, type BackendOptions } from '$lib/ml';
import type { InitOptions } from './api';

/** The tfjs WASM binaries, bundled by Vite (and precached by the service worker). */
const WASM_FILE_URLS = {
  'tfjs-backend-wasm.wasm': wasmPlain,
  'tfjs-backend-wasm-simd.wasm': wasmSimd,
  'tfjs-backend-wasm-threaded-simd.wasm': wasmThreadedSimd
};

/**
 * tfjs's WASM build caps its thread pool at navigator.hardwareConcurrency / 2 (it assumes two
 * hyper-threads per core), which on a 2-core phone or laptop means one thread. This worker reports
 * twice the threads it was given, so the cap becomes exactly that number. Nothing else in the worker
 * reads hardwareConcurrency; the page splits the real cores between the workers (threads.ts).
 */
function allowWasmThreads(threads: number): void {
  Object.defineProperty(globalThis.navigator, 'hardwareConcurrency', { configurable: true, get: () => threads * 2 });
}

/** What is used here of the WebGPU device tfjs runs on. */
interface WebGpuDevice {
  lost: Promise<{ reason?: string; message?: string }>;
  destroy(): void;
}
/** The WebGPU device this worker runs on, once started on WebGPU. */
let gpuDevice: WebGpuDevice | null = null;
let resolveDeviceLost: (reason: string) => void = () => {};
/** Resolves with the browser's reason when the WebGPU device is lost (a driver reset, the GPU process restarting); never on other backends. */
export const gpuDeviceLost = new Promise<string>((resolve) => (resolveDeviceLost = resolve));

/** Destroys the WebGPU device as a driver reset would (tests of the recovery); nothing on other backends. */
export function destroyGpuDevice(): void {
  gpuDevice?.destroy();
}

function watchGpuDevice(): void {
  gpuDevice = (tf.backend() as unknown as { device: WebGpuDevice }).device;
  // The reason goes inside a sentence's brackets: without its own full stop ("(Device was destroyed.).").
  void gpuDevice.lost.then((info) => resolveDeviceLost((info.message || info.reason || 'unknown reason').replace(/[.\s]+$/, '')));
}

/**
 * Picks the backend (falling back to WASM, then CPU, with the reason in `notes`). WASM gets
 * `options.wasmThreads` threads when above 1 and the worker is cross-origin isolated, else one.
 */
export async function startBackend(options: InitOptions = {}): Promise<Awaited<ReturnType<typeof initBackend>>> {
  const threaded = (options.wasmThreads ?? 0) > 1 && globalThis.crossOriginIsolated === true;
  if (threaded) allowWasmThreads(options.wasmThreads!);
  const backendOptions: BackendOptions = {
    allowSoftwareGpu: options.allowSoftwareGpu,
    wasmFileUrls: WASM_FILE_URLS,
    disableWasmThreads: !threaded,
    wasmThreads: threaded ? options.wasmThreads : undefined
  };
  try {
    const report = await initBackend(options.preference ?? DEFAULT_BACKENDS, backendOptions);
    if (report.backend === 'webgpu') watchGpuDevice();
    return report;
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    const fallback = await initBackend(['wasm', 'cpu'], backendOptions);
    return { ...fallback, notes: [reason, ...fallback.notes] };
  }
}
