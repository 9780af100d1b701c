/**
 * Writes data.tollgate.meta (the rule docs from METADATA blocks) as <dir>/tollgate/meta/data.json,
 * so `opa test` sees the same data the compiled bundle carries.
 * Usage: node --import tsx scripts/write-rule-meta.ts <dir>
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { findOpa } from '../src/compiler/opa-cli.js';
import { extractRuleDocs, ruleMetaData } from '../src/compiler/rule-docs.js';
import { builtinPolicyDir } from '../src/package-paths.js';

const target = process.argv[2];
if (!target) throw new Error('usage: write-rule-meta.ts <dir>');
const docs = await extractRuleDocs(findOpa(), builtinPolicyDir);
mkdirSync(join(target, 'tollgate', 'meta'), { recursive: true });
writeFileSync(join(target, 'tollgate', 'meta', 'data.json'), JSON.stringify(ruleMetaData(docs)));
