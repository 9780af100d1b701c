/** A budget amount past what money arithmetic holds is refused at its line, never printed as $Infinity.NaN. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/config.js';
import { TollgateError } from '../../src/model/errors.js';

const dir = mkdtempSync(join(tmpdir(), 'tollgate-amount-'));

function loadAmount(amount: string): unknown {
  const file = join(dir, `${amount.replace(/\W/g, '_')}.yaml`);
  writeFileSync(file, `budgets:\n  - name: gpu\n    amount: ${amount}\n`);
  try {
    return loadConfig(file).config.budgets?.[0]?.amount;
  } catch (error) {
    if (error instanceof TollgateError) return error.format().replace(`${file}:`, '');
    throw error;
  }
}

describe('budget amounts', () => {
  it.each([
    ['1e20', '3:13: budgets.0.amount must be <= 1000000000000'],
    ['1e400', '3:13: budgets.0.amount must be number'],
    ['.inf', '3:13: budgets.0.amount must be number'],
    ['0', '3:13: budgets.0.amount must be > 0'],
  ])('%s is refused', (amount, message) => {
    expect(loadAmount(amount)).toBe(message);
  });

  it('a trillion is the largest accepted', () => {
    expect(loadAmount('1000000000000')).toBe(1e12);
  });
});
