import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { parseBundle, readBundleFile } from '../../src/engine/bundle.js';
import { tarOf } from './tar-writer.js';
import { PolicyEngine } from '../../src/engine/policy-engine.js';
import { TollgateError } from '../../src/model/errors.js';
import type { PolicyInput, Resource } from '../../src/model/resource.js';
import { builtinBundlePath } from '../../src/package-paths.js';
import { ebsVolume } from './ebs-volume.js';

function volume(address: string, atRest: boolean | null): Resource {
  return ebsVolume(address, { atRest });
}

function input(resources: Resource[]): PolicyInput {
  return {
    subject: 'plan',
    context: { now: '2026-11-23T00:00:00Z', source: 'test', defaultEnvironment: null },
    resources,
  };
}

async function builtinEngine(config: Record<string, unknown> = {}): Promise<PolicyEngine> {
  return PolicyEngine.load(readBundleFile(builtinBundlePath), config);
}

function errorOf(action: () => unknown): Promise<TollgateError> {
  return Promise.resolve()
    .then(action)
    .then(
      () => {
        throw new Error('expected a TollgateError');
      },
      (error: unknown) => {
        if (error instanceof TollgateError) return error;
        throw error;
      },
    );
}

describe('policy engine on the built-in bundle', () => {
  it('denies an unencrypted volume and carries the bundle revision and input digest', async () => {
    const engine = await builtinEngine();
    const decision = engine.evaluate(input([volume('aws_ebs_volume.scratch', false)]));
    expect(decision.violations.map((v) => [v.rule, v.resource])).toContainEqual(['TG-ENC-001', 'aws_ebs_volume.scratch']);
    expect(decision.bundleRevision).toMatch(/^sha256-[0-9a-f]{16}$/);
    expect(decision.inputDigest).toMatch(/^sha256:[0-9a-f]{64}$/);
  });

  it('warns, never passes silently, when encryption is unknown until apply', async () => {
    const decision = (await builtinEngine()).evaluate(input([volume('aws_ebs_volume.later', null)]));
    const enc = decision.warnings.filter((w) => w.rule === 'TG-ENC-001');
    expect(enc).toHaveLength(1);
    expect(enc[0]?.indeterminate).toBe(true);
    expect(decision.violations.filter((v) => v.rule === 'TG-ENC-001')).toEqual([]);
  });

  it('reuses one loaded instance: repeated evaluations give identical decisions', async () => {
    const engine = await builtinEngine();
    const first = engine.evaluate(input([volume('aws_ebs_volume.a', false), volume('aws_ebs_volume.b', true)]));
    for (let i = 0; i < 50; i++) engine.evaluate(input([volume(`aws_ebs_volume.v${i}`, i % 2 === 0)]));
    const again = engine.evaluate(input([volume('aws_ebs_volume.a', false), volume('aws_ebs_volume.b', true)]));
    expect(again).toEqual(first);
  });

  it('applies config from data.tollgate.config: a rule set to off produces nothing', async () => {
    const engine = await builtinEngine({ rules: { 'TG-ENC-001': { enforcement: 'off' } } });
    const decision = engine.evaluate(input([volume('aws_ebs_volume.scratch', false)]));
    expect([...decision.violations, ...decision.warnings].some((f) => f.rule === 'TG-ENC-001')).toBe(false);
  });

  it('carries the rule docs extracted from METADATA', () => {
    const bundle = readBundleFile(builtinBundlePath);
    const doc = bundle.rules.find((rule) => rule.id === 'TG-ENC-001');
    expect(doc?.title).toBeTruthy();
    expect(doc?.remediation).toBeTruthy();
    expect(bundle.rules.length).toBeGreaterThanOrEqual(10);
  });
});

describe('bundle errors are one-line TollgateErrors naming the bundle', () => {
  const realWasm = readBundleFile(builtinBundlePath).wasm;
  const json = (value: unknown): Uint8Array => new TextEncoder().encode(JSON.stringify(value));
  const MANIFEST = json({ revision: 'test', wasm: [{ entrypoint: 'tollgate/decision', module: '/policy.wasm' }] });
  const complete = (wasm: Uint8Array) => tarOf({ '/policy.wasm': wasm, '/data.json': json({}), '/.manifest': MANIFEST });

  it.each([
    ['not gzip', new TextEncoder().encode('hello'), /not a gzip file/],
    ['gzip of garbage', gzipSync(new Uint8Array(2048).fill(7)), /corrupt bundle: tar header checksum mismatch/],
    ['no policy.wasm', gzipSync(tarOf({ '/data.json': new TextEncoder().encode('{}') })), /policy.wasm is missing/],
    [
      'bad data.json',
      gzipSync(tarOf({ '/policy.wasm': realWasm, '/data.json': new TextEncoder().encode('{nope'), '/.manifest': MANIFEST })),
      /data.json is not valid JSON/,
    ],
    ['no data.json', gzipSync(tarOf({ '/policy.wasm': realWasm, '/.manifest': MANIFEST })), /incomplete bundle: \/data.json is missing/],
    [
      'an array as data.json',
      gzipSync(tarOf({ '/policy.wasm': realWasm, '/data.json': json([]), '/.manifest': MANIFEST })),
      /data.json must be a JSON object, not an array/,
    ],
    ['no .manifest', gzipSync(tarOf({ '/policy.wasm': realWasm, '/data.json': json({}) })), /incomplete bundle: \/.manifest is missing/],
    [
      'a string as .manifest',
      gzipSync(tarOf({ '/policy.wasm': realWasm, '/data.json': json({}), '/.manifest': json('x') })),
      /.manifest must be a JSON object/,
    ],
    [
      'data.json nested too deep',
      gzipSync(
        tarOf({
          '/policy.wasm': realWasm,
          '/data.json': new TextEncoder().encode(`{"a":${'['.repeat(100_000)}${']'.repeat(100_000)}}`),
          '/.manifest': MANIFEST,
        }),
      ),
      /data.json nests deeper than 512 levels/,
    ],
  ])('%s', async (_what, bytes, message) => {
    const error = await errorOf(() => parseBundle(bytes, 'bad.tar.gz'));
    expect(error.file).toBe('bad.tar.gz');
    expect(error.message).toMatch(message);
  });

  it('a missing file', async () => {
    expect((await errorOf(() => readBundleFile('/nonexistent/bundle.tar.gz'))).format()).toBe(
      '/nonexistent/bundle.tar.gz: bundle file not found',
    );
  });

  it('an unsupported wasm ABI', async () => {
    const name = new TextEncoder().encode('opa_wasm_abi_version');
    // A minimal module that only exports the ABI version global, set to 2.
    const wasm = new Uint8Array([
      0x00,
      0x61,
      0x73,
      0x6d,
      0x01,
      0,
      0,
      0,
      0x06,
      0x06,
      0x01,
      0x7f,
      0x00,
      0x41,
      0x02,
      0x0b,
      0x07,
      4 + name.length,
      0x01,
      name.length,
      ...name,
      0x03,
      0x00,
    ]);
    const bundle = parseBundle(gzipSync(complete(wasm)), 'abi.tar.gz');
    const error = await errorOf(() => PolicyEngine.load(bundle, {}));
    expect(error.message).toMatch(/wasm ABI is not supported/);
  });

  it('a wasm file that is not wasm', async () => {
    const bundle = parseBundle(gzipSync(complete(new TextEncoder().encode('not wasm'))), 'x.tar.gz');
    expect((await errorOf(() => PolicyEngine.load(bundle, {}))).message).toMatch(/policy.wasm cannot be loaded/);
  });
});

describe('wasm memory sizing', () => {
  it('grows with the input but never reaches 4 GiB, where the allocator wraps around', async () => {
    const { pagesFor } = await import('../../src/engine/policy-engine.js');
    expect(pagesFor(1_000)).toBeLessThan(pagesFor(10_000_000));
    expect(pagesFor(10_000_000_000) * 64 * 1024).toBeLessThan(4 * 1024 ** 3);
  });
});
