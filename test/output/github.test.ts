import { describe, expect, it } from 'vitest';
import { ANNOTATIONS_PER_KIND, escapeData, escapeProperty, renderGithub } from '../../src/output/github.js';
import type { CheckResult } from '../../src/output/check-result.js';
import { expectGolden } from './golden.js';
import { cleanReport, costedReport, sampleReport } from './sample-report.js';
import { present } from '../present.js';

/** What the runner does with a command: split at the first "::" after the name, unescape. */
function parseCommand(line: string): { command: string; properties: Record<string, string>; message: string } {
  const match = /^::(\w+) ([^:]*)::(.*)$/.exec(line);
  if (!match) throw new Error(`not a workflow command: ${line}`);
  const unescape = (text: string) =>
    text.replace(/%3A/g, ':').replace(/%2C/g, ',').replace(/%0D/g, '\r').replace(/%0A/g, '\n').replace(/%25/g, '%');
  const properties = Object.fromEntries(
    (match[2] ?? '').split(',').map((pair) => {
      const [name = '', value = ''] = pair.split('=', 2);
      return [name, unescape(value)];
    }),
  );
  return { command: match[1] ?? '', properties, message: unescape(match[3] ?? '') };
}

describe('github renderer', () => {
  it('matches the golden file', () => {
    expectGolden('sample.github.txt', renderGithub(sampleReport));
  });

  it('writes one command per line: errors, then warnings, then notices', () => {
    const lines = renderGithub(sampleReport).trimEnd().split('\n');
    expect(lines).toHaveLength(4 + 5 + 2);
    expect(lines.map((line) => parseCommand(line).command)).toEqual([
      ...Array<string>(4).fill('error'),
      ...Array<string>(5).fill('warning'),
      ...Array<string>(2).fill('notice'),
    ]);
  });

  it('annotates the declaring file and line, with the rule and severity as title', () => {
    const line = renderGithub(sampleReport)
      .split('\n')
      .find((l) => l.includes('TG-REG-001'));
    expect(line).toBe(
      '::error file=infra/serving.tf,line=3,title=TG-REG-001 (critical)::aws_sagemaker_endpoint.llm: ' +
        'Region us-west-1 is not approved for restricted data (allowed: eu-west-1)%0ARemediation: Deploy the endpoint in eu-west-1.',
    );
  });

  it('falls back to the plan file, without a line, when the location is not known', () => {
    const scratch = renderGithub(sampleReport)
      .split('\n')
      .filter((l) => l.includes('aws_ebs_volume.scratch'));
    expect(scratch).toHaveLength(2);
    for (const line of scratch) expect(parseCommand(line).properties).toEqual(expect.objectContaining({ file: 'plans/ml-platform.json' }));
    for (const line of scratch) expect(parseCommand(line).properties.line).toBeUndefined();
  });

  it('escapes a hostile message so it stays one annotation', () => {
    const line = renderGithub(sampleReport)
      .split('\n')
      .find((l) => l.includes('injected'));
    expect(line).toBeDefined();
    const { command, message } = parseCommand(present(line, 'the injected line'));
    expect(command).toBe('warning');
    expect(message).toContain('100%, a:b\n::error::injected @org/admins');
    expect(message).not.toMatch(/[\u0001\u001b]/);
  });

  it('escapes commas and colons in properties (money in a title)', () => {
    const notice = renderGithub(sampleReport)
      .split('\n')
      .find((l) => l.includes('TG-SAV-002'));
    expect(notice).toContain('title=TG-SAV-002 (save $3%2C100.20/month)::');
    expect(parseCommand(present(notice, 'the TG-SAV-002 notice')).properties.title).toBe('TG-SAV-002 (save $3,100.20/month)');
  });

  it.each([
    ['100%', '100%25', '100%25'],
    ['a\r\nb', 'a%0D%0Ab', 'a%0D%0Ab'],
    ['x:y,z', 'x:y,z', 'x%3Ay%2Cz'],
    ['%0A literal', '%250A literal', '%250A literal'],
    ['bell\u0001', 'bell', 'bell'],
  ])('escapes %j as data %j and as a property %j', (raw, data, property) => {
    expect(escapeData(raw)).toBe(data);
    expect(escapeProperty(raw)).toBe(property);
  });

  it('writes nothing when there is nothing to say', () => {
    expect(renderGithub(cleanReport)).toBe('');
  });
});

describe('github renderer: costs', () => {
  it('adds one notice with the monthly cost change on the plan file', () => {
    const output = renderGithub(costedReport);
    expectGolden('sample.costs.github.txt', output);
    const notice = output.split('\n').filter((line) => line.includes('Tollgate cost estimate'));
    expect(notice).toEqual([
      '::notice file=plans/ml-platform.json,title=Tollgate cost estimate::Monthly cost: $8,321.12 → $86,407.18 (+$78,086.06)%0AAssumes 730 h/month, on-demand prices unless a resource runs on spot, price catalog as of 2026-11-01.',
    ]);
    expect(renderGithub(sampleReport)).not.toContain('Tollgate cost estimate');
  });
});

describe('github renderer: the annotation cap', () => {
  function manyViolations(count: number): CheckResult {
    const [first] = sampleReport.decision.violations;
    const template = present(first, 'a sample violation');
    const violations = Array.from({ length: count }, (_, i) => ({
      ...template,
      severity: i === count - 1 ? ('critical' as const) : ('low' as const),
      resource: `aws_s3_bucket.b${String(i).padStart(2, '0')}`,
    }));
    return { ...sampleReport, decision: { ...sampleReport.decision, violations } };
  }

  it('keeps 10 errors when there are 10', () => {
    const errors = renderGithub(manyViolations(10))
      .split('\n')
      .filter((l) => l.startsWith('::error '));
    expect(errors).toHaveLength(10);
    expect(errors.join('\n')).not.toContain('more violations');
  });

  it('shows 9 findings, most severe first, and says how many more there are on the tenth', () => {
    const output = renderGithub(manyViolations(25));
    const errors = output.split('\n').filter((l) => l.startsWith('::error '));
    expect(errors).toHaveLength(ANNOTATIONS_PER_KIND);
    expect(errors[0]).toContain('aws_s3_bucket.b24');
    expect(errors[0]).toContain('(critical)');
    expect(errors[9]).toBe(
      '::error file=plans/ml-platform.json,title=Tollgate%3A 16 more violations::16 more violations not annotated here: ' +
        'GitHub shows 10 per step. The full list is in the job summary, in code scanning (SARIF) and in the output of this step.',
    );
    expect(output.split('\n').filter((l) => l.startsWith('::warning ')).length).toBeLessThanOrEqual(ANNOTATIONS_PER_KIND);
  });
});
