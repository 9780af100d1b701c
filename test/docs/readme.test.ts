import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { readmePath, readmeWithRuleTable } from '../../scripts/readme-rules.js';
import { readBundleFile } from '../../src/engine/bundle.js';
import { builtinBundlePath } from '../../src/package-paths.js';

describe('README', () => {
  it('lists every built-in rule as the bundle documents it (run `npm run docs` after changing a rule)', () => {
    const readme = readFileSync(readmePath, 'utf8');
    expect(readme).toBe(readmeWithRuleTable(readme, readBundleFile(builtinBundlePath).rules));
  });

  it('names the two set-up commands that CI runs', () => {
    const readme = readFileSync(readmePath, 'utf8');
    expect(readme).toContain('npm ci && npm run demo');
    expect(readme).toContain('npm test');
    expect(readFileSync(new URL('../../.ci/run', import.meta.url), 'utf8')).toMatch(/npm ci[\s\S]*npm test/);
  });
});
