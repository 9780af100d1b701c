/**
 * Evaluates the decision entrypoint of a loaded wasm bundle. One engine holds one instantiated
 * module with its data set once; each evaluation only serialises the input.
 */
import { createHash } from 'node:crypto';
import { loadPolicy, type LoadedPolicy } from '@open-policy-agent/opa-wasm';
import { TollgateError } from '../errors.js';
import type { Bundle } from './bundle.js';
import { DECISION_ENTRYPOINT, type Decision, type PolicyDecision, type RuleDoc } from './decision.js';
import { readDecision } from './read-decision.js';

function describe(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}

export class PolicyEngine {
  private constructor(
    private readonly policy: LoadedPolicy,
    private readonly entrypoint: number,
    readonly revision: string,
    readonly rules: readonly RuleDoc[],
    private readonly source: string,
  ) {}

  /**
   * Instantiates the bundle's module and sets its data once: the bundle's own data.json with
   * `config` placed at data.tollgate.config.
   */
  static async load(bundle: Bundle, config: Readonly<Record<string, unknown>>): Promise<PolicyEngine> {
    let policy: LoadedPolicy;
    try {
      policy = await loadPolicy(bundle.wasm);
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
    policy.setData({ ...bundle.data, tollgate });
    return new PolicyEngine(policy, entrypoint, bundle.manifest.revision, bundle.rules, bundle.file);
  }

  /** Evaluates one input document. The input is serialised once; its sha256 is the decision's input digest. */
  evaluate(input: unknown): Decision {
    const json = JSON.stringify(input);
    const bytes = new TextEncoder().encode(json);
    const inputDigest = `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
    let resultSet: unknown;
    try {
      resultSet = this.policy.evaluate(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength), this.entrypoint);
    } catch (error) {
      // Builtin errors (e.g. a builtin the runtime lacks) surface here as thrown strings or Errors.
      throw new TollgateError(`policy evaluation failed: ${describe(error)}`, { file: this.source });
    }
    const decision: PolicyDecision = readDecision(resultSet, this.source);
    return { ...decision, bundleRevision: this.revision, inputDigest };
  }
}
