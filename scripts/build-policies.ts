/**
 * `npm run build:policies`: compiles policies/ into the committed built-in bundle
 * (policies/tollgate.tar.gz) that `tollgate check` evaluates without any OPA install.
 */
import { buildBundle } from '../src/compiler/build-bundle.js';
import { builtinBundlePath, builtinPolicyDir } from '../src/package-paths.js';

const result = await buildBundle({ policyDirs: [builtinPolicyDir], output: builtinBundlePath });
console.log(`built ${result.output}: revision ${result.revision}, ${result.rules.length} rules`);
