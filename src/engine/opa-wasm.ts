/**
 * The two ways this project instantiates opa-wasm modules. The package's ESM entry exports
 * `loadPolicySync` only on its default export, which its type declarations omit; this adapter is
 * the one place that knows. Its declarations also use WebAssembly types that the ES lib in use does not
 * declare, and `any`; `Policy` is what this project uses of a loaded policy, typed.
 */
import * as opaWasm from '@open-policy-agent/opa-wasm';

/** A compiled WebAssembly.Module, passed through to the loaders unopened. */
export type WasmModule = object;

/** A loaded policy instance: opa-wasm's LoadedPolicy, as far as this project uses it. */
export interface Policy {
  /** Entrypoint ids by name. */
  readonly entrypoints: Readonly<Record<string, number>>;
  /** The instance's linear memory. */
  readonly mem: { readonly buffer: ArrayBuffer };
  /** The result set for an input given as serialised JSON. */
  evaluate(input: ArrayBuffer, entrypoint: number): unknown;
  setData(data: object): void;
}

interface SyncLoader {
  loadPolicySync(module: WasmModule, memoryPages: number): Policy;
}

export const loadPolicySync = (module: WasmModule, memoryPages: number): Policy =>
  (opaWasm as unknown as { default: SyncLoader }).default.loadPolicySync(module, memoryPages);
