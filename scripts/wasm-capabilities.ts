/**
 * Derives policies/wasm-capabilities.json: the builtins a policy may call and still evaluate under
 * @open-policy-agent/opa-wasm. Building with `opa build --capabilities` then rejects any other builtin
 * at compile time instead of failing at evaluation ("not implemented: built-in function ...").
 *
 * How: every builtin of the pinned OPA is called once in a probe policy, compiled to wasm, and the
 * module's `builtins` export lists the ones it could not compile natively. Those are allowed only if
 * the opa-wasm SDK implements them in JavaScript. Run after changing OPA or opa-wasm versions:
 *   node --import tsx scripts/wasm-capabilities.ts
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { opaBinary } from './opa-binary.js';
import { readTarEntries } from '../src/engine/tar.js';

interface TypeDecl {
  readonly type?: string;
  readonly of?: TypeDecl | TypeDecl[];
  readonly static?: TypeDecl[];
  readonly dynamic?: TypeDecl | { key: TypeDecl; value: TypeDecl };
}
interface BuiltinDecl {
  readonly name: string;
  readonly infix?: string;
  readonly relation?: boolean;
  readonly deprecated?: boolean;
  readonly decl: { readonly args?: TypeDecl[]; readonly result?: TypeDecl };
}
interface Capabilities {
  readonly builtins: BuiltinDecl[];
  readonly [key: string]: unknown;
}

/** A Rego literal of the declared type, so the probe passes type checking. */
function literalOf(decl: TypeDecl): string {
  switch (decl.type) {
    case 'string':
      return '"a"';
    case 'number':
      return '1';
    case 'boolean':
      return 'true';
    case 'null':
      return 'null';
    case 'array':
      return decl.static ? `[${decl.static.map(literalOf).join(', ')}]` : '[]';
    case 'set':
      return 'set()';
    case 'object':
      return '{}';
    default: {
      // `any` or a union: the first member of a union, else a string.
      const first = Array.isArray(decl.of) ? decl.of[0] : undefined;
      return first ? literalOf(first) : '"a"';
    }
  }
}

function probeRule(index: number, builtin: BuiltinDecl): string {
  const args = (builtin.decl.args ?? []).map(literalOf).join(', ');
  const call = `${builtin.name}(${args})`;
  // Builtins without a result (print) are statements, not values.
  return builtin.decl.result ? `p${index} := x if {\n\tx := ${call}\n}\n` : `p${index} if {\n\t${call}\n}\n`;
}

/** Reads the JSON object the module's `builtins` export returns: {builtin name: id}. */
/** Node's WebAssembly global; the ES lib typings in use do not declare it. */
interface WasmApi {
  Memory: new (descriptor: { initial: number }) => { buffer: ArrayBuffer };
  instantiate(
    bytes: Uint8Array,
    imports: Record<string, Record<string, unknown>>,
  ): Promise<{ instance: { exports: Record<string, unknown> } }>;
}
const wasmApi = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

async function nonNativeBuiltins(wasm: Uint8Array): Promise<string[]> {
  const memory = new wasmApi.Memory({ initial: 5 });
  const fail = (): never => {
    throw new Error('probe module called an import');
  };
  const { instance } = await wasmApi.instantiate(wasm, {
    env: {
      memory,
      opa_abort: fail,
      opa_println: fail,
      opa_builtin0: fail,
      opa_builtin1: fail,
      opa_builtin2: fail,
      opa_builtin3: fail,
      opa_builtin4: fail,
    },
  });
  const { opa_json_dump: jsonDump, builtins } = instance.exports as Record<string, ((...args: number[]) => number) | undefined>;
  if (jsonDump === undefined || builtins === undefined) throw new Error('the wasm module exports no opa_json_dump or builtins');
  const address = jsonDump(builtins());
  const bytes = new Uint8Array(memory.buffer, address);
  const end = bytes.indexOf(0);
  return Object.keys(JSON.parse(new TextDecoder().decode(bytes.subarray(0, end))) as object);
}

async function main(): Promise<void> {
  const opa = opaBinary();
  const current = JSON.parse(execFileSync(opa, ['capabilities', '--current'], { encoding: 'utf8' })) as Capabilities;
  const probed = current.builtins.filter((b) => !b.infix && !b.deprecated && !b.name.startsWith('internal.'));
  const work = mkdtempSync(join(tmpdir(), 'tollgate-caps-'));
  try {
    mkdirSync(join(work, 'src'));
    writeFileSync(join(work, 'src', 'probe.rego'), `package probe\n\n${probed.map((b, i) => probeRule(i, b)).join('\n')}`);
    execFileSync(opa, ['build', '-t', 'wasm', '-e', 'probe', '-o', join(work, 'probe.tar.gz'), join(work, 'src')], {
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    const entries = readTarEntries(gunzipSync(readFileSync(join(work, 'probe.tar.gz'))), { maxEntryBytes: 64 << 20 });
    const wasm = entries.get('/policy.wasm');
    if (!wasm) throw new Error('probe bundle has no /policy.wasm');
    const needed = new Set(await nonNativeBuiltins(wasm));
    const require = createRequire(import.meta.url);
    // The SDK's JavaScript builtins are not an exported subpath; load them beside its entry point.
    const sdkEntry = require.resolve('@open-policy-agent/opa-wasm');
    const sdkBuiltins = new Set(Object.keys(require(join(dirname(sdkEntry), 'builtins', 'index.js')) as object));
    const unsupported = [...needed].filter((name) => !sdkBuiltins.has(name)).sort();
    const allowed = current.builtins.filter((b) => !unsupported.includes(b.name));
    const output = { ...current, builtins: allowed };
    writeFileSync(new URL('../policies/wasm-capabilities.json', import.meta.url), `${JSON.stringify(output, null, 2)}\n`);
    console.log(
      `capabilities: ${allowed.length} of ${current.builtins.length} builtins usable in wasm; ` + `left out: ${unsupported.join(', ')}`,
    );
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

await main();
