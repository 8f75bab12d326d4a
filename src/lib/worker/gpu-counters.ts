// Counts WebGPU readbacks (GPUBuffer.mapAsync) and queue submits in this worker (benchmarks only).
import type { GpuCallCounts } from './api';

/** The live counts; all zero until `countGpuCalls` wraps the API. */
export const gpuCalls: GpuCallCounts = { readbacks: 0, submits: 0, work: 0 };

/** Wraps GPUBuffer.prototype.mapAsync and GPUQueue.prototype.submit so every call is counted (once per worker). */
export function countGpuCalls(): void {
  const scope = globalThis as unknown as {
    GPUBuffer?: { prototype: { mapAsync(...args: unknown[]): Promise<void> } };
    GPUQueue?: { prototype: { submit(...args: unknown[]): void } };
    __livebrushGpuCounted?: boolean;
  };
  if (scope.__livebrushGpuCounted || !scope.GPUBuffer || !scope.GPUQueue) return;
  scope.__livebrushGpuCounted = true;
  const mapAsync = scope.GPUBuffer.prototype.mapAsync;
  scope.GPUBuffer.prototype.mapAsync = function (this: unknown, ...args: unknown[]) {
    gpuCalls.readbacks += 1;
    return mapAsync.apply(this, args);
  };
  const submit = scope.GPUQueue.prototype.submit;
  scope.GPUQueue.prototype.submit = function (this: unknown, ...args: unknown[]) {
    gpuCalls.submits += 1;
    return submit.apply(this, args);
  };
}
