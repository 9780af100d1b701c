import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { bundleRevision, buildBundle } from '../../src/compiler/build-bundle.js';
import { manifestRevision } from '../../src/compiler/source-revision.js';
import { installedOpa } from '../installed-opa.js';
import { readBundleFile } from '../../src/engine/bundle.js';
import { builtinBundlePath, builtinPolicyDir } from '../../src/package-paths.js';
import { present } from '../present.js';

describe('the committed built-in bundle', () => {
  it('was built from the Rego sources as they are now (run `npm run build:policies` after editing policies/)', () => {
    const bundle = readBundleFile(builtinBundlePath);
    // The revision covers the sources and the rule docs the build put in data.json.
    const meta = (bundle.data as { tollgate: { meta: unknown } }).tollgate.meta;
    expect(bundle.manifest.revision).toBe(manifestRevision(bundleRevision([builtinPolicyDir]), { tollgate: { meta } }));
    // The decision and its compact form, the two halves of a sliced plan and its narrowed view, the two halves of a
    // sliced report and its view (src/engine/report-view.ts), and the batch (src/engine/policy-engine.ts).
    expect([...bundle.manifest.entrypoints].sort()).toEqual([
      'tollgate/batch_decisions',
      'tollgate/compact_decision',
      'tollgate/decision',
      'tollgate/plan_decision',
      'tollgate/plan_view',
      'tollgate/report_decision',
      'tollgate/report_view',
      'tollgate/report_view_decision',
      'tollgate/resource_findings',
      'tollgate/usage_recommendations',
    ]);
  });

  const opa = installedOpa();
  it.runIf(opa !== null)('is byte-for-byte what the pinned OPA compiles from them', async () => {
    const output = join(mkdtempSync(join(tmpdir(), 'tollgate-rebuild-')), 'bundle.tar.gz');
    await buildBundle({ policyDirs: [builtinPolicyDir], output, opa: present(opa, 'the pinned OPA') });
    expect(existsSync(output)).toBe(true);
    const fresh = readBundleFile(output);
    const committed = readBundleFile(builtinBundlePath);
    expect(Buffer.from(fresh.wasm).equals(Buffer.from(committed.wasm))).toBe(true);
    expect(fresh.data).toEqual(committed.data);
    expect(fresh.manifest).toEqual(committed.manifest);
  });
});
