/**
 * Evaluates the decision entrypoint of a loaded wasm bundle. The module is compiled once; an
 * instance with its data set is reused across evaluations and replaced only when an input needs a
 * bigger heap than it has. Each evaluation serialises the input once.
 */
import { createHash } from 'node:crypto';
import { loadPolicy, loadPolicySync, type Policy, type WasmModule } from './opa-wasm.js';
import { TollgateError } from '../model/errors.js';
import type { Bundle } from './bundle.js';
import { DECISION_ENTRYPOINT, type Decision, type PolicyDecision, type RuleDoc } from '../model/decision.js';
import { readDecision } from './read-decision.js';

const WASM_PAGE = 64 * 1024;
// 3 GiB. Not the wasm32 ceiling of 4 GiB: OPA's allocator keeps the heap's end in a 32-bit integer,
// which wraps to 0 for a memory of exactly 4 GiB, and every allocation then fails.
const MAX_PAGES = 49_152;
const BASE_PAGES = 256; // 16 MiB: the bundle's data and a small input

/**
 * In V8 a wasm `memory.grow` costs time proportional to the memory already there, and the policy's
 * allocator grows a page or so at a time: a 10k-resource plan spent 20 of 22 s growing. A fresh
 * instance created with enough initial memory costs almost nothing (untouched pages are not resident),
 * so the engine sizes the instance to the input: the built-in rules use about 17 bytes of heap per
 * input byte (146 MiB for the 8.7 MiB input of a priced 10k-resource plan); 48 leaves room for custom
 * policies (beyond it the module still grows, only slower).
 */
const HEAP_PER_INPUT_BYTE = 48;

export function pagesFor(inputBytes: number): number {
  return Math.min(MAX_PAGES, BASE_PAGES + Math.ceil((inputBytes * HEAP_PER_INPUT_BYTE) / WASM_PAGE));
}

function describe(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}

/** Node's WebAssembly global; the ES lib typings in use do not declare it. */
interface WasmApi {
  compile(bytes: Uint8Array): Promise<WasmModule>;
}
const wasmApi = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

export class PolicyEngine {
  private policy: Policy;

  private constructor(
    private readonly module: WasmModule,
    policy: Policy,
    private readonly entrypoint: number,
    private readonly data: Record<string, unknown>,
    readonly revision: string,
    readonly rules: readonly RuleDoc[],
    private readonly source: string,
  ) {
    this.policy = policy;
  }

  /**
   * Compiles the bundle's module and instantiates it with its data: the bundle's own data.json with
   * `config` placed at data.tollgate.config.
   */
  static async load(bundle: Bundle, config: Readonly<Record<string, unknown>>): Promise<PolicyEngine> {
    let module: WasmModule;
    let policy: Policy;
    try {
      module = await wasmApi.compile(bundle.wasm);
      policy = await loadPolicy(module, BASE_PAGES);
    } catch (error) {
      const message = describe(error);
      const reason = /ABI/i.test(message)
        ? `its wasm ABI is not supported by this opa-wasm runtime (${message}); rebuild it with a supported OPA`
        : `its policy.wasm cannot be loaded (${message})`;
      throw new TollgateError(`corrupt bundle: ${reason}`, { file: bundle.file });
    }
    const entrypoint = policy.entrypoints[DECISION_ENTRYPOINT];
    if (entrypoint === undefined) {
      const found = Object.keys(policy.entrypoints).join(', ') || 'none';
      throw new TollgateError(
        `bundle has no ${DECISION_ENTRYPOINT} entrypoint (it has: ${found}); build it with -e ${DECISION_ENTRYPOINT}`,
        { file: bundle.file },
      );
    }
    const tollgate = { ...((bundle.data.tollgate as Record<string, unknown> | undefined) ?? {}), config };
    const data = { ...bundle.data, tollgate };
    policy.setData(data);
    return new PolicyEngine(module, policy, entrypoint, data, bundle.manifest.revision, bundle.rules, bundle.file);
  }

  /** An instance with at least `pages` of memory: the current one, or a fresh one with the same data. */
  private instanceWith(pages: number): Policy {
    if (this.policy.mem.buffer.byteLength >= pages * WASM_PAGE) return this.policy;
    // Instantiating an already compiled module is cheap and may be synchronous in Node.
    const policy = loadPolicySync(this.module, pages);
    policy.setData(this.data);
    this.policy = policy;
    return policy;
  }

  /** Evaluates one input document. The input is serialised once; its sha256 is the decision's input digest. */
  evaluate(input: unknown): Decision {
    const bytes = new TextEncoder().encode(JSON.stringify(input));
    const inputDigest = `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
    let resultSet: unknown;
    try {
      const policy = this.instanceWith(pagesFor(bytes.byteLength));
      resultSet = policy.evaluate(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength), this.entrypoint);
    } catch (error) {
      // Builtin errors (e.g. a builtin the runtime lacks) surface here as thrown strings or Errors;
      // so does running out of wasm memory, which says what to do about it.
      const message = describe(error);
      const hint = /opa_malloc|memory/i.test(message) ? ' (the input is too large for one evaluation; split the plan)' : '';
      throw new TollgateError(`policy evaluation failed: ${message}${hint}`, { file: this.source });
    }
    const decision: PolicyDecision = readDecision(resultSet, this.source);
    return { ...decision, bundleRevision: this.revision, inputDigest };
  }
}
