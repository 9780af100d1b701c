import { describe, expect, it } from 'vitest';
import { parsePlan } from '../../src/inputs/terraform/index.js';
import { normalisePlan } from '../../src/inputs/terraform/normalise.js';
import { PlanShape } from '../../src/inputs/terraform/plan-shape.js';

/** 50 000 instances: buckets each with a linked SSE configuration, GPU instances and listeners, in for_each modules. */
function largePlan(count: number): string {
  const changes: unknown[] = [];
  for (let i = 0; i < count; i++) {
    const module = `module.team["t${i % 100}"]`;
    const kind = i % 3;
    const type = kind === 0 ? 'aws_s3_bucket' : kind === 1 ? 'aws_s3_bucket_server_side_encryption_configuration' : 'aws_instance';
    const key = `k${Math.floor(i / 3)}`;
    const after =
      kind === 0
        ? { bucket: `b-${key}`, tags: { team: 'a', environment: 'prod' }, tags_all: { team: 'a', environment: 'prod' } }
        : kind === 1
          ? { bucket: `b-${Math.floor(i / 3)}`, rule: [{ apply_server_side_encryption_by_default: [{ sse_algorithm: 'aws:kms', kms_master_key_id: 'arn:k' }] }] }
          : { instance_type: 'p4d.24xlarge', availability_zone: 'us-east-1a', root_block_device: [{ encrypted: true, kms_key_id: '' }], tags: { team: 'a' } };
    changes.push({
      address: `${module}.${type}.x["${key}"]`,
      module_address: module,
      mode: 'managed',
      type,
      name: 'x',
      index: key,
      provider_name: 'registry.terraform.io/hashicorp/aws',
      change: { actions: ['create'], before: null, after, after_unknown: { arn: true, id: true }, before_sensitive: false, after_sensitive: {} },
    });
  }
  return JSON.stringify({ format_version: '1.2', terraform_version: '1.9.8', resource_changes: changes });
}

describe('performance', () => {
  it('normalises 50 000 resources well under a second beyond JSON.parse', () => {
    const text = largePlan(50_000);
    const document: unknown = JSON.parse(text);
    const started = performance.now();
    const plan = normalisePlan(document, new PlanShape(text, 'large.json'));
    const elapsed = performance.now() - started;
    expect(plan.resources).toHaveLength(50_000);
    console.log(`normalised 50 000 resources in ${elapsed.toFixed(0)} ms (text ${(text.length / 1e6).toFixed(1)} MB)`);
    expect(elapsed).toBeLessThan(1500);
    // The whole path, including the nesting pre-scan and JSON.parse, stays fast too.
    const whole = performance.now();
    parsePlan(text, 'large.json');
    console.log(`parsePlan end to end: ${(performance.now() - whole).toFixed(0)} ms`);
  });
});
