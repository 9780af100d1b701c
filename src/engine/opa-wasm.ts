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

/**
 * What `evaluateText` reads of a loaded policy beyond its typed API: opa-wasm 1.10's LoadedPolicy fields and the
 * ABI 1.2 `opa_eval` export, which evaluates in one call an input already in memory and returns the address of
 * the result set's JSON. Checked at run time, so another opa-wasm version falls back to `evaluate`.
 */
interface PolicyInternals {
  readonly minorVersion: number;
  readonly dataAddr: number;
  readonly dataHeapPtr: number;
  readonly mem: { readonly buffer: ArrayBuffer; grow(pages: number): number };
  readonly wasmInstance: { readonly exports: { readonly opa_eval: OpaEval } };
}

type OpaEval = (
  reserved: 0,
  entrypoint: number,
  dataAddr: number,
  inputAddr: number,
  inputLength: number,
  heapPtr: number,
  format: 0,
) => number;

function internalsOf(policy: Policy): PolicyInternals | null {
  const loaded = policy as unknown as Partial<Record<keyof PolicyInternals, unknown>>;
  const exports = (loaded.wasmInstance as { exports?: Record<string, unknown> } | undefined)?.exports;
  const fast =
    typeof loaded.minorVersion === 'number' &&
    loaded.minorVersion >= 2 &&
    typeof loaded.dataAddr === 'number' &&
    typeof loaded.dataHeapPtr === 'number' &&
    typeof (loaded.mem as { grow?: unknown } | undefined)?.grow === 'function' &&
    typeof exports?.['opa_eval'] === 'function';
  return fast ? (loaded as unknown as PolicyInternals) : null;
}

/** The size of a wasm memory page, in bytes: what instance sizes are counted in. */
export const WASM_PAGE = 64 * 1024;

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/**
 * The result set for an input given as JSON text, as `evaluate` gives it for the text's UTF-8 bytes. The text is
 * encoded once, straight into the instance's memory where opa-wasm would copy it, without counting its bytes first
 * (Node 20's UTF-8 encoder and Buffer.byteLength each walk a string a character at a time: 26 µs each for a 41 kB
 * batch document); only a text that does not fit in the memory left is counted, and the memory grown for it as
 * opa-wasm grows it. The result's JSON is found with a native search for its terminating NUL instead of a
 * byte-by-byte loop in JavaScript.
 */
export function evaluateText(policy: Policy, input: string, entrypoint: number): unknown {
  const internals = internalsOf(policy);
  if (internals === null) {
    const bytes = encoder.encode(input);
    return policy.evaluate(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength), entrypoint);
  }
  const { dataAddr, dataHeapPtr: inputAddr, mem } = internals;
  let { read, written } = encoder.encodeInto(input, new Uint8Array(mem.buffer, inputAddr));
  if (read < input.length) {
    const byteLength = Buffer.byteLength(input);
    mem.grow(Math.ceil((inputAddr + byteLength - mem.buffer.byteLength) / WASM_PAGE));
    ({ read, written } = encoder.encodeInto(input, new Uint8Array(mem.buffer, inputAddr, byteLength)));
    if (read < input.length || written !== byteLength) throw new Error(`the input's ${byteLength} bytes do not fit in the grown memory`);
  }
  const resultAddr = internals.wasmInstance.exports.opa_eval(0, entrypoint, dataAddr, inputAddr, written, inputAddr + written, 0);
  const memory = new Uint8Array(mem.buffer);
  const end = memory.indexOf(0, resultAddr);
  return JSON.parse(decoder.decode(memory.subarray(resultAddr, end === -1 ? memory.length : end)));
}
