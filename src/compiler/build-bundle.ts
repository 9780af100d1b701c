/**
 * Compiles policy directories into a wasm bundle with the OPA CLI:
 * `opa build -t wasm --capabilities policies/wasm-capabilities.json -e tollgate/decision`,
 * plus the rule docs as data.tollgate.meta and a source-hash revision. The output is written to a
 * temporary file and renamed into place, so a failed build never leaves half a bundle behind.
 */
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { writeFileAtomic } from '../atomic-file.js';
import { DECISION_ENTRYPOINT, type RuleDoc } from '../model/decision.js';
import { TollgateError } from '../model/errors.js';
import { wasmCapabilitiesPath } from '../package-paths.js';
import { findOpa, pinnedOpaVersion, runOpa } from './opa-cli.js';
import { extractRuleDocs, ruleMetaData, type RuleMetaData } from './rule-docs.js';
import { listPolicySources, manifestRevision, sourceRevision } from './source-revision.js';

export interface BuildOptions {
  /** Policy directories, the built-in library first when custom rules build on it. */
  readonly policyDirs: readonly string[];
  readonly output: string;
  readonly opa?: string;
}

export interface BuildResult {
  readonly output: string;
  readonly revision: string;
  readonly rules: readonly RuleDoc[];
}

/** The revision of the sources alone (policy and data files, capabilities, OPA version): the compile cache's key. */
export function bundleRevision(policyDirs: readonly string[]): string {
  return sourceRevision(policyDirs, [readFileSync(wasmCapabilitiesPath, 'utf8'), pinnedOpaVersion()]);
}

/** The data document a build adds to the bundle's data.json: the rule docs under tollgate.meta. */
export function generatedData(rules: readonly RuleDoc[]): { tollgate: { meta: RuleMetaData } } {
  return { tollgate: { meta: ruleMetaData(rules) } };
}

export async function collectRuleDocs(opa: string, policyDirs: readonly string[]): Promise<RuleDoc[]> {
  const seen = new Map<string, RuleDoc>();
  for (const dir of policyDirs) {
    for (const doc of await extractRuleDocs(opa, dir)) {
      const earlier = seen.get(doc.id);
      if (earlier) {
        throw new TollgateError(`rule ${doc.id} is defined twice: in ${earlier.file} and in ${dir}/${doc.file}`);
      }
      seen.set(doc.id, doc);
    }
  }
  return [...seen.values()].sort((a, b) => a.id.localeCompare(b.id));
}

function stagePolicySources(stage: string, policyDirs: readonly string[]): string[] {
  return policyDirs.map((dir, index) => {
    const root = index === 0 ? basename(dir) : `${basename(dir)}-${index}`;
    for (const file of listPolicySources(dir)) {
      const target = join(stage, root, relative(dir, file));
      mkdirSync(dirname(target), { recursive: true });
      copyFileSync(file, target);
    }
    return root;
  });
}

/** OPA names the staged copy of a file; point the error at the user's own file instead. */
export function pointAtSources(error: unknown, roots: readonly string[], policyDirs: readonly string[]): unknown {
  if (!(error instanceof TollgateError) || error.file === undefined) return error;
  const staged = error.file;
  const index = roots.findIndex((root) => staged.startsWith(`${root}/`));
  const root = roots[index];
  const policyDir = policyDirs[index];
  if (root === undefined || policyDir === undefined) return error;
  const file = join(policyDir, staged.slice(root.length + 1));
  return new TollgateError(error.message, { file, line: error.line, column: error.column }, error.exitCode);
}

export async function buildBundle(options: BuildOptions): Promise<BuildResult> {
  const opa = options.opa ?? findOpa();
  const policyDirs = options.policyDirs.map((dir) => resolve(dir));
  const rules = await collectRuleDocs(opa, policyDirs);
  const generated = generatedData(rules);
  // The manifest's revision covers the policy and every byte of data the bundle carries: data files are among
  // the sources, and the generated rule docs are hashed by content.
  const revision = manifestRevision(bundleRevision(policyDirs), generated);
  const stage = mkdtempSync(join(tmpdir(), 'tollgate-build-'));
  try {
    // The sources are staged under short relative names so the paths recorded inside the bundle do not
    // depend on where a checkout lives (the committed built-in bundle must be reproducible), and so
    // tests and build artefacts in the policy folders never reach the compiler.
    const roots = stagePolicySources(stage, policyDirs);
    mkdirSync(join(stage, 'meta', 'tollgate', 'meta'), { recursive: true });
    writeFileSync(join(stage, 'meta', 'tollgate', 'meta', 'data.json'), JSON.stringify(generated.tollgate.meta));
    const partial = join(stage, 'bundle.tar.gz');
    const args = [
      'build',
      '--target',
      'wasm',
      '--entrypoint',
      DECISION_ENTRYPOINT,
      '--capabilities',
      wasmCapabilitiesPath,
      '--revision',
      revision,
      '--output',
      partial,
      ...roots,
      'meta',
    ];
    try {
      await runOpa(opa, args, `compiling ${policyDirs.map((dir) => basename(dir)).join(', ')}`, stage);
    } catch (error) {
      throw pointAtSources(error, roots, policyDirs);
    }
    const destination = resolve(options.output);
    writeFileAtomic(destination, readFileSync(partial), { createDirectory: true });
    return { output: destination, revision, rules };
  } finally {
    rmSync(stage, { recursive: true, force: true });
  }
}
