/**
 * Whether an S3 bucket policy refuses plain-HTTP requests: AWS's documented pattern is a statement that denies
 * every principal every S3 action when the condition key `aws:SecureTransport` is false
 * (docs.aws.amazon.com/AmazonS3/latest/userguide/security-best-practices.html, "Enforce encryption of data in
 * transit"; Security Hub control S3.5). A statement limited to some actions or principals leaves the others
 * open over HTTP, so it does not count.
 */
import { isObject } from './plan-shape.js';

/** IAM policy elements may be a single value or a list of values. */
function asList(value: unknown): readonly unknown[] {
  return Array.isArray(value) ? value : [value];
}

function coversEveryone(principal: unknown): boolean {
  if (principal === '*') return true;
  return isObject(principal) && asList(principal['AWS']).includes('*');
}

function coversEveryAction(action: unknown): boolean {
  return asList(action).some((a) => typeof a === 'string' && (a === '*' || a.toLowerCase() === 's3:*'));
}

/** Condition keys are case-insensitive; the operator may be Bool or BoolIfExists; the value a string or boolean. */
function whenInsecure(condition: unknown): boolean {
  if (!isObject(condition)) return false;
  return Object.entries(condition).some(
    ([operator, tests]) =>
      (operator === 'Bool' || operator === 'BoolIfExists') &&
      isObject(tests) &&
      Object.entries(tests).some(
        ([key, value]) =>
          key.toLowerCase() === 'aws:securetransport' && asList(value).some((v) => v === false || String(v).toLowerCase() === 'false'),
      ),
  );
}

function deniesStatement(statement: unknown): boolean {
  return (
    isObject(statement) &&
    statement['Effect'] === 'Deny' &&
    coversEveryone(statement['Principal']) &&
    coversEveryAction(statement['Action']) &&
    whenInsecure(statement['Condition'])
  );
}

/** True when the policy document (JSON text) denies insecure transport; false when it does not or is not JSON. */
export function deniesInsecureTransport(policy: string): boolean {
  let document: unknown;
  try {
    document = JSON.parse(policy);
  } catch {
    return false;
  }
  return isObject(document) && asList(document['Statement']).some(deniesStatement);
}
