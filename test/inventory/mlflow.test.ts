/** MLflow Model Registry import from recorded search responses, and the MLmodel reader on real files. */
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { importMlflow, parseInventory, parseMlmodel, readMlmodel } from '../../src/inputs/inventory/index.js';
import { TollgateError } from '../../src/model/errors.js';
import { tollgate } from '../cli/run-cli.js';

const DIR = 'fixtures/inventory/mlflow';
const MODELS = `${DIR}/registered-models-search.json`;
const VERSIONS = `${DIR}/model-versions-search.json`;
const REALWORLD = '/work/shared/realworld/models';

describe('import from MLflow', () => {
  const inventory = importMlflow(MODELS, VERSIONS, {
    framework: (model, version) => (model === 'churn_scorer' && version === '4' ? 'pytorch' : undefined),
  });

  it('reads risk, ownership and datasets from registered-model tags', () => {
    const fraud = inventory.models[0];
    expect(fraud).toMatchObject({
      id: 'fraud-detector',
      owner_team: 'risk-ml',
      owners: ['maya@example.com', 'omar@example.com'],
      risk_tier: 'high',
      datasets: [{ name: 'card-transactions', classification: 'pii', residency: ['us-east-1', 'us-west-2'] }],
    });
    expect(inventory.models[1]?.id).toBe('churn_scorer');
  });

  it('reads versions from every page, with digests, approvals, evaluations and stage from aliases', () => {
    const [v6, v7] = inventory.models[0]?.versions ?? [];
    expect(v6).toMatchObject({ version: '6', stage: 'archived', framework: 'xgboost', parameters: 45000000 });
    expect(v7?.stage).toBe('production'); // alias champion
    expect(v7?.approvals).toEqual([
      {
        reviewer: 'sam@example.com',
        role: 'risk',
        decision: 'approve',
        date: '2026-11-03',
        digest: v7?.artifact.digest,
        expires: '2027-05-03',
      },
      { reviewer: 'ravi@example.com', role: 'security', decision: 'reject', date: '2026-11-04' },
    ]);
    expect(v7?.evaluations?.[1]).toEqual({
      kind: 'red-team',
      passed: false,
      date: '2026-11-02',
      report: 'https://wiki.example.com/fraud/7/red-team',
    });
    expect(inventory.models[1]?.versions[0]).toMatchObject({
      stage: 'staging',
      framework: 'pytorch',
      artifact: { uri: 'runs:/5f4e3d2c1b0a49988776655443322110/model' },
    });
  });

  it('stops on a model without the tags the gates need', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tollgate-mlflow-'));
    const models = join(dir, 'models.json');
    writeFileSync(models, JSON.stringify({ registered_models: [{ name: 'x', tags: [{ key: 'tollgate.risk_tier', value: 'high' }] }] }));
    expect(() => importMlflow(models, VERSIONS)).toThrow('registered model x has no "tollgate.owner_team" tag');
  });

  it('names file, line and column of a malformed response', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tollgate-mlflow-'));
    const versions = join(dir, 'versions.json');
    writeFileSync(versions, '{\n  "model_versions": [\n    { "version": "1" }\n  ]\n}\n');
    try {
      importMlflow(MODELS, versions);
      throw new Error('expected an error');
    } catch (error) {
      expect((error as TollgateError).format()).toBe(`${versions}:3:5: model_versions[0] has no "name"`);
    }
  });

  it('the CLI writes an inventory that validates', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tollgate-mlflow-'));
    const output = join(dir, 'inventory.yaml');
    const result = tollgate([
      'inventory',
      'import-mlflow',
      '--models',
      MODELS,
      '--versions',
      VERSIONS,
      '--artifacts',
      `${DIR}/artifacts`,
      '-o',
      output,
      '--now',
      '2026-11-23',
    ]);
    expect(result.code).toBe(0);
    const written = parseInventory(readFileSync(output, 'utf8'), output, '2026-11-23T00:00:00Z');
    expect(written.models[1]?.versions[0]?.framework).toBe('pytorch'); // from the MLmodel file
  });
});

describe('MLmodel reader', () => {
  it('reads the framework from the flavors', () => {
    expect(readMlmodel(`${DIR}/artifacts/churn_scorer/4/MLmodel`)).toEqual({
      flavors: ['python_function', 'pytorch'],
      framework: 'pytorch',
      mlflowVersion: '2.17.0',
      modelUuid: '3e9c2b1a7f6d4e5c8b0a9f8e7d6c5b4a',
      sizeBytes: 1400123456,
    });
  });

  const files = existsSync(REALWORLD) ? readdirSync(REALWORLD).filter((name) => name.endsWith('_MLmodel')) : [];
  it.skipIf(files.length === 0)(
    `reads the real-world MLmodel files (${REALWORLD}${files.length === 0 ? ' is absent, skipped' : ''})`,
    () => {
      for (const name of files) {
        const metadata = parseMlmodel(readFileSync(join(REALWORLD, name), 'utf8'), name);
        expect(metadata.framework, name).toMatch(/^(sklearn|langchain)$/);
        expect(metadata.mlflowVersion, name).toMatch(/^\d+\.\d+/);
      }
    },
  );
});
