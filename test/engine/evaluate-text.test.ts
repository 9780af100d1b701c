/**
 * evaluateText (src/engine/opa-wasm.ts) writes an input's JSON text straight into the policy instance's memory,
 * calls the ABI 1.2 `opa_eval` itself and reads the result's JSON with a native search for its end. Its result
 * set must be the one opa-wasm's own `evaluate` gives for the text's UTF-8 bytes: ASCII and multi-byte text in the input and
 * in the result, an input larger than the memory left (which is grown as opa-wasm grows it), several evaluations in
 * one instance, and a policy object without the internals it reads (it then calls `evaluate`).
 */
import { describe, expect, it, vi } from 'vitest';
import { readBundleFile } from '../../src/engine/bundle.js';
import { evaluateText, loadPolicySync, type Policy } from '../../src/engine/opa-wasm.js';
import { COMPACT_DECISION_ENTRYPOINT } from '../../src/engine/policy-engine.js';
import type { PolicyInput, Resource } from '../../src/model/resource.js';
import { builtinBundlePath } from '../../src/package-paths.js';
import { present } from '../present.js';
import { ebsVolume } from './ebs-volume.js';

const bundle = readBundleFile(builtinBundlePath);
const module = new (globalThis as unknown as { WebAssembly: { Module: new (wasm: Uint8Array) => object } }).WebAssembly.Module(bundle.wasm);
/** The engine's first instance: 16 MiB, most of it left after the bundle's data. */
const BASE_PAGES = 256;

function instance(pages = BASE_PAGES): Policy {
  const policy = loadPolicySync(module, pages);
  policy.setData({ ...bundle.data, tollgate: { ...(bundle.data.tollgate as Record<string, unknown>), config: {} } });
  return policy;
}

const entrypoint = present(instance().entrypoints[COMPACT_DECISION_ENTRYPOINT], COMPACT_DECISION_ENTRYPOINT);

/** An unencrypted volume, so that the decision has findings; its name is its only text that may not be ASCII. */
function volume(name: string): Resource {
  return ebsVolume(`aws_ebs_volume.${name}`, { tags: { team: name, environment: 'dev' } });
}

function inputText(names: readonly string[], note = ''): string {
  const input: PolicyInput & { readonly note: string } = {
    subject: 'plan',
    context: { now: '2026-11-23T00:00:00Z', source: 'test', defaultEnvironment: null },
    resources: names.map(volume),
    note,
  };
  return JSON.stringify(input);
}

/** What opa-wasm's own evaluate gives for the text's UTF-8 bytes, in an instance of its own. */
function expected(text: string): unknown {
  const bytes = new TextEncoder().encode(text);
  return instance().evaluate(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength), entrypoint);
}

describe('an input evaluated from its JSON text', () => {
  it("gives opa-wasm's result set, multi-byte text included, for several inputs in one instance", () => {
    const policy = instance();
    for (const names of [['données-ü'], ['a', 'b', 'c'], ['日本語-卷'], ['ascii-only']]) {
      const text = inputText(names);
      const result = evaluateText(policy, text, entrypoint);
      const violations = (result as Array<{ result: { violations: unknown[] } }>)[0]?.result.violations ?? [];
      expect(violations.length).toBeGreaterThanOrEqual(names.length);
      expect(JSON.stringify(result)).toContain(names[0]);
      expect(JSON.stringify(result)).toBe(JSON.stringify(expected(text)));
    }
  });

  it.each([
    ['ASCII', 'e'],
    ['multi-byte', 'é'],
  ])('grows the memory for an input larger than what is left, as opa-wasm does (%s)', (_, character) => {
    const policy = instance();
    const before = policy.mem.buffer.byteLength;
    const text = inputText(['large'], character.repeat(before));
    const result = evaluateText(policy, text, entrypoint);
    expect(policy.mem.buffer.byteLength).toBeGreaterThan(before);
    expect(JSON.stringify(result)).toBe(JSON.stringify(expected(text)));
  });

  it("calls the policy's evaluate with the text's UTF-8 bytes when it lacks the internals read", () => {
    const evaluate = vi.fn<Policy['evaluate']>(() => [{ result: 'judged' }]);
    const policy: Policy = { entrypoints: {}, mem: { buffer: new ArrayBuffer(0) }, evaluate, setData: () => undefined };
    const text = '{"note":"réseau 😀"}';
    expect(evaluateText(policy, text, 3)).toEqual([{ result: 'judged' }]);
    const [bytes, called] = evaluate.mock.calls[0] ?? [];
    expect(called).toBe(3);
    expect(new TextDecoder().decode(bytes)).toBe(text);
  });
});
