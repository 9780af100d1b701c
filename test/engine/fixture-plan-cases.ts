/**
 * The fixture plans as the engine's equality tests judge them: every plan in fixtures/plans with the default
 * config and with the fixture config (exemptions, a warn rule, indeterminate findings), with and without the
 * fixture model inventory, each prepared as `check` prepares it at one fixed time.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfig } from '../../src/config/config.js';
import type { PolicyInput } from '../../src/model/resource.js';
import { packageRoot } from '../../src/package-paths.js';
import { prepare, prepareSettings } from '../../src/prepare/index.js';

export const planDir = join(packageRoot, 'fixtures', 'plans');
export const configs = { defaults: undefined, 'fixtures/tollgate.yaml': join(packageRoot, 'fixtures', 'tollgate.yaml') } as const;
const inventoryFile = join(packageRoot, 'fixtures', 'inventory', 'ml-platform.yaml');
const now = '2026-11-23T00:00:00Z';

export type Plan = Parameters<typeof prepare>[0]['subject'] extends infer S ? (S extends { plan: infer P } ? P : never) : never;

export interface FixturePlanCase {
  plan: string;
  configName: string;
  configFile: string | undefined;
  inventory: boolean;
}

/** Every fixture plan × both configs × inventory or not. */
export const fixturePlanCases: FixturePlanCase[] = readdirSync(planDir)
  .filter((name) => name.endsWith('.json'))
  .flatMap((plan) =>
    Object.entries(configs).flatMap(([configName, configFile]) =>
      [false, true].map((inventory) => ({ plan, configName, configFile, inventory })),
    ),
  );

export async function inputFor(plan: Plan, source: string, configFile: string | undefined, withInventory: boolean): Promise<PolicyInput> {
  return prepare({
    subject: { kind: 'plan', plan, source, environment: null },
    sources: { ...(withInventory ? { inventoryFile } : {}), spendFiles: [] },
    settings: prepareSettings(loadConfig(configFile)),
    now,
  });
}
