/**
 * `npm run build:policies`: compiles policies/ into the committed built-in bundle
 * (policies/tollgate.tar.gz) that `tollgate check` evaluates without any OPA install.
 * A policy mistake (a Rego error, an unknown METADATA severity) is one line naming the file, and exit status 2.
 */
import { buildBundle } from '../src/compiler/build-bundle.js';
import { isTollgateError } from '../src/model/errors.js';
import { builtinBundlePath, builtinPolicyDir } from '../src/package-paths.js';

try {
  const result = await buildBundle({ policyDirs: [builtinPolicyDir], output: builtinBundlePath });
  console.log(`built ${result.output}: revision ${result.revision}, ${result.rules.length} rules`);
} catch (error) {
  if (!isTollgateError(error)) throw error;
  process.stderr.write(`build-policies: ${error.format()}\n`);
  process.exitCode = error.exitCode;
}
