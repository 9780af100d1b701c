/**
 * The two ways this project instantiates opa-wasm modules. The package's ESM entry exports
 * `loadPolicySync` only on its default export, which its type declarations omit; this adapter is
 * the one place that knows.
 */
import * as opaWasm from '@open-policy-agent/opa-wasm';
import type { LoadedPolicy } from '@open-policy-agent/opa-wasm';

export type { LoadedPolicy };
export type WasmModule = Parameters<typeof opaWasm.loadPolicy>[0];

interface SyncLoader {
  loadPolicySync(module: WasmModule, memoryPages: number): LoadedPolicy;
}

export const loadPolicy = (module: WasmModule, memoryPages: number): Promise<LoadedPolicy> => opaWasm.loadPolicy(module, memoryPages);

export const loadPolicySync = (module: WasmModule, memoryPages: number): LoadedPolicy =>
  (opaWasm as unknown as { default: SyncLoader }).default.loadPolicySync(module, memoryPages);
