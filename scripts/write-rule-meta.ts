/**
 * Writes data.tollgate.meta (the rule docs from METADATA blocks) as <dir>/tollgate/meta/data.json,
 * so `opa test` sees the same data the compiled bundle carries. A METADATA mistake (an unknown severity,
 * say) is one line naming the file, and exit status 2.
 * Usage: node --import tsx scripts/write-rule-meta.ts <dir>
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { findOpa } from '../src/compiler/opa-cli.js';
import { extractRuleDocs, ruleMetaData } from '../src/compiler/rule-docs.js';
import { isTollgateError } from '../src/model/errors.js';
import { builtinPolicyDir } from '../src/package-paths.js';

const target = process.argv[2];
if (!target) throw new Error('usage: write-rule-meta.ts <dir>');
try {
  const docs = await extractRuleDocs(findOpa(), builtinPolicyDir);
  mkdirSync(join(target, 'tollgate', 'meta'), { recursive: true });
  writeFileSync(join(target, 'tollgate', 'meta', 'data.json'), JSON.stringify(ruleMetaData(docs)));
} catch (error) {
  if (!isTollgateError(error)) throw error;
  process.stderr.write(`write-rule-meta: ${error.format()}\n`);
  process.exitCode = error.exitCode;
}
