import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-webgl';
import '@tensorflow/tfjs-backend-webgpu';
import { getThreadsCount, setThreadsCount, setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { registerGradients } from './gradients';
import type { BackendName } from './types';
import { registerWasmGradientKernels } from './wasm-kernels';

/** Options of initBackend. */
export interface BackendOptions {
  /** Accept software GPU adapters (SwiftShader, llvmpipe): 50–100× slower than WASM, for tests only. */
  allowSoftwareGpu?: boolean;
  /** 'training' (default) refuses backends that cannot train correctly; 'inference' accepts them. */
  purpose?: 'training' | 'inference';
  /** URLs of the three tfjs-backend-wasm .wasm files (from Vite `?url` imports); Node finds them itself. */
  wasmFileUrls?: Record<string, string>;
  /** Turn WASM multithreading off (it needs cross-origin isolation; a minified build once hung with it). */
  disableWasmThreads?: boolean;
  /** Threads for WASM's thread pool where threads are available (default: as many as cores). */
  wasmThreads?: number;
}

/** The fastest-first order tried when none is given (the CPU backend only when asked for). */
export const DEFAULT_BACKENDS: BackendName[] = ['webgpu', 'webgl', 'wasm'];

/** Tells tfjs-backend-wasm where its .wasm binaries are served (call before initBackend in browsers). */
export function setWasmFileUrls(urls: Record<string, string>): void {
  setWasmPaths(urls as Parameters<typeof setWasmPaths>[0]);
}

const SOFTWARE_RENDERER = /swiftshader|llvmpipe|softpipe|software|basic render/i;

interface GpuAdapterLike {
  isFallbackAdapter?: boolean;
  info?: { isFallbackAdapter?: boolean; vendor?: string; architecture?: string; description?: string };
}

/** Why a WebGPU adapter should be skipped (null when it is a real GPU, or software is allowed), and whether it is software. */
async function webgpuProblem(allowSoftware: boolean): Promise<{ problem: string | null; software: boolean }> {
  const gpu = (globalThis.navigator as { gpu?: { requestAdapter(): Promise<GpuAdapterLike | null> } } | undefined)?.gpu;
  if (!gpu) return { problem: 'WebGPU: not available in this browser', software: false };
  const adapter = await gpu.requestAdapter().catch(() => null);
  if (!adapter) return { problem: 'WebGPU: no adapter', software: false };
  const info = adapter.info ?? {};
  const description = `${info.vendor ?? ''} ${info.architecture ?? ''} ${info.description ?? ''}`;
  const software = adapter.isFallbackAdapter === true || info.isFallbackAdapter === true || SOFTWARE_RENDERER.test(description);
  if (software && !allowSoftware) return { problem: 'WebGPU: skipped the software (fallback) adapter, which is 50–100× slower than WASM', software };
  return { problem: null, software };
}

/** Why WebGL should be skipped (software renderer), or null. */
function webglProblem(allowSoftware: boolean): string | null {
  let context: WebGL2RenderingContext | null = null;
  try {
    if (typeof OffscreenCanvas !== 'undefined') context = new OffscreenCanvas(1, 1).getContext('webgl2');
    else if (typeof document !== 'undefined') context = document.createElement('canvas').getContext('webgl2');
  } catch {
    context = null;
  }
  if (!context) return 'WebGL: WebGL2 is not available';
  const debugInfo = context.getExtension('WEBGL_debug_renderer_info');
  const renderer = String(debugInfo ? context.getParameter(debugInfo.UNMASKED_RENDERER_WEBGL) : context.getParameter(context.RENDERER));
  context.getExtension('WEBGL_lose_context')?.loseContext();
  if (SOFTWARE_RENDERER.test(renderer) && !allowSoftware) {
    return `WebGL: skipped the software renderer (${renderer}), which is 50–100× slower than WASM`;
  }
  return null;
}

/**
 * Picks and starts the first usable backend of `preference` (default WebGPU → WebGL → WASM), registers
 * the gradients and the WASM gradient kernels. Software GPUs are skipped unless allowed; WebGL without
 * float32 render targets is refused for training (Adam produces NaN there). `notes` say why each
 * earlier choice was skipped; `softwareGpu` marks a software WebGPU adapter (allowed for tests). Throws when none starts.
 */
export async function initBackend(
  preference: BackendName[] = DEFAULT_BACKENDS,
  options: BackendOptions = {}
): Promise<{ backend: BackendName; notes: string[]; threads?: number; softwareGpu?: boolean }> {
  const purpose = options.purpose ?? 'training';
  const allowSoftware = options.allowSoftwareGpu ?? false;
  const notes: string[] = [];
  if (options.wasmFileUrls) setWasmFileUrls(options.wasmFileUrls);
  await registerGradients();
  registerWasmGradientKernels();
  for (const name of preference) {
    const webgpu = name === 'webgpu' ? await webgpuProblem(allowSoftware) : null;
    const problem = webgpu ? webgpu.problem : name === 'webgl' ? webglProblem(allowSoftware) : null;
    if (problem) {
      notes.push(problem);
      continue;
    }
    if (name === 'wasm' && options.disableWasmThreads) tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
    if (name === 'wasm' && options.wasmThreads) setThreadsCount(options.wasmThreads);
    let started = false;
    try {
      started = await tf.setBackend(name);
      if (started) await tf.ready();
    } catch (error) {
      notes.push(`${name}: failed to start (${(error as Error).message})`);
      continue;
    }
    if (!started) {
      notes.push(`${name}: failed to start`);
      continue;
    }
    if (name === 'webgl' && purpose === 'training' && !tf.env().getBool('WEBGL_RENDER_FLOAT32_ENABLED')) {
      notes.push('WebGL: this GPU cannot render to float32 textures, so training would diverge to NaN');
      continue;
    }
    if (name === 'wasm') return { backend: name, notes, threads: getThreadsCount() };
    return webgpu?.software ? { backend: name, notes, softwareGpu: true } : { backend: name, notes };
  }
  throw new Error(`No TensorFlow.js backend could start: ${notes.join('; ') || 'no backend was requested'}`);
}
