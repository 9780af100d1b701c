import { describe, expect, it } from 'vitest';
import { parsePlan } from '../../src/inputs/terraform/index.js';
import { change, planText } from './helpers.js';

const g5 = (size: string, extra: Record<string, unknown> = {}) => ({
  instance_type: `g5.${size}`,
  availability_zone: 'us-east-1a',
  ...extra,
});

function only(changes: unknown[]) {
  const [resource] = parsePlan(planText(changes), 'plan.json').resources;
  if (resource === undefined) throw new Error('no resource');
  return resource;
}

describe('Resource.before (the prior state)', () => {
  it.each([
    ['update', ['update']],
    ['replace', ['delete', 'create']],
    ['replace (create before destroy)', ['create', 'delete']],
  ])('is read with the same extractor for %s', (_name, actions) => {
    const resource = only([
      change({ address: 'aws_instance.a', type: 'aws_instance', name: 'a', actions, before: g5('xlarge'), after: g5('2xlarge') }),
    ]);
    expect(resource.compute?.instanceType).toBe('g5.2xlarge');
    expect(resource.before?.compute).toMatchObject({
      role: 'instance',
      instanceType: 'g5.xlarge',
      family: 'g5',
      instanceCount: 1,
      accelerator: { model: 'A10G', count: 1 },
    });
    expect(resource.before?.region).toBe('us-east-1');
    expect(resource.before?.values['instance_type']).toBe('g5.xlarge');
  });

  it.each([
    ['create', ['create'], null],
    ['no-op', ['no-op'], g5('xlarge')],
  ])('is absent for %s', (_name, actions, before) => {
    const resource = only([change({ address: 'aws_instance.a', type: 'aws_instance', name: 'a', actions, before, after: g5('xlarge') })]);
    expect(resource.before).toBeUndefined();
  });

  it('keeps the region change of a moved resource', () => {
    const resource = only([
      change({
        address: 'aws_instance.a',
        type: 'aws_instance',
        name: 'a',
        actions: ['delete', 'create'],
        before: g5('xlarge', { availability_zone: 'eu-west-1b' }),
        after: g5('xlarge'),
      }),
    ]);
    expect(resource.before?.region).toBe('eu-west-1');
    expect(resource.region).toBe('us-east-1');
  });

  it('redacts sensitive prior values as it does planned ones', () => {
    const resource = only([
      change({
        address: 'aws_instance.a',
        type: 'aws_instance',
        name: 'a',
        actions: ['update'],
        before: g5('xlarge', { user_data: 'password=hunter2' }),
        beforeSensitive: { user_data: true },
        after: g5('xlarge', { user_data: 'password=other' }),
        afterSensitive: { user_data: true },
      }),
    ]);
    expect(resource.before?.values['user_data']).toBe('(sensitive)');
    expect(JSON.stringify(resource)).not.toContain('hunter2');
  });

  it('is computed for node pools with their prior scaling', () => {
    const pool = (desired: number) => ({
      instance_types: ['g5.xlarge'],
      capacity_type: 'SPOT',
      scaling_config: [{ min_size: 1, max_size: 9, desired_size: desired }],
    });
    const resource = only([
      change({
        address: 'aws_eks_node_group.gpu',
        type: 'aws_eks_node_group',
        name: 'gpu',
        actions: ['update'],
        before: pool(2),
        after: pool(4),
      }),
    ]);
    expect(resource.before?.compute?.scaling).toEqual({ min: 1, max: 9, desired: 2 });
    expect(resource.before?.compute?.spot).toBe(true);
  });
});
