import { mkdtemp, mkdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { TollgateError } from '../../src/model/errors.js';
import { MAX_NESTING_DEPTH, parsePlan, readPlanFile } from '../../src/inputs/terraform/index.js';

function failure(run: () => unknown): TollgateError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(TollgateError);
    return error as TollgateError;
  }
  throw new Error('expected a TollgateError');
}

async function failureAsync(run: () => Promise<unknown>): Promise<TollgateError> {
  const error: unknown = await run().then(
    () => new Error('expected a TollgateError'),
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(TollgateError);
  return error as TollgateError;
}

describe('a field of a resource change of the wrong type', () => {
  // Each field is checked where it is read; its path is built only for the message. `^` marks the bad value.
  const good = '{"address":"x.y","type":"x","name":"y","change":{"actions":["create"]}}';
  it.each([
    ['mode', '{"address":"a.b","mode":^true,"type":"a","name":"b","change":{"actions":["create"]}}', 'mode', 'a boolean'],
    ['change', '{"address":"a.b","type":"a","name":"b","change":^[]}', 'change', 'an array'],
    ['an action', '{"address":"a.b","type":"a","name":"b","change":{"actions":["create",^3]}}', 'change.actions[1]', 'a number'],
    ['type', '{"address":"a.b","type":^{},"name":"b","change":{"actions":["create"]}}', 'type', 'an object'],
    ['name', '{"address":"a.b","type":"a","name":^null,"change":{"actions":["create"]}}', 'name', 'null'],
    [
      'module_address',
      '{"address":"a.b","type":"a","name":"b","module_address":^1,"change":{"actions":["create"]}}',
      'module_address',
      'a number',
    ],
    [
      'provider_name',
      '{"address":"a.b","type":"a","name":"b","provider_name":^[],"change":{"actions":["create"]}}',
      'provider_name',
      'an array',
    ],
  ])('%s', (_field, change, path, found) => {
    const marked = `{"format_version":"1.2","resource_changes":[${good},${change}]}`;
    const text = marked.replace('^', '');
    const error = failure(() => parsePlan(text, 'plan.json'));
    expect(error.message).toBe(`expected ${path === 'change' ? 'an object' : 'a string'}, found ${found} at resource_changes[1].${path}`);
    expect(error).toMatchObject({ file: 'plan.json', line: 1, column: marked.indexOf('^') + 1, exitCode: 2 });
  });
});

describe('bad plan text', () => {
  it.each([
    ['empty file', '', /the file is empty/, undefined, undefined],
    ['whitespace only', '  \n\t', /the file is empty/, undefined, undefined],
    ['NUL bytes', '{"a":\u00001}', /binary file.*NUL/, 1, 6],
    ['malformed JSON', '{\n  "format_version": "1.2",\n  "resource_changes": [}\n', /^malformed JSON: unexpected '}'$/, 3, 24],
    ['trailing comma', '{"format_version": "1.2",}', /^malformed JSON: unexpected '}'$/, 1, 26],
    ['truncated JSON', '{\n  "format_version": "1.2",\n', /^malformed JSON: unexpected end of file$/, 3, 1],
    ['not a plan', '{\n  "name": "x"\n}', /does not look like a `terraform show -json` plan/, 1, 1],
    ['not an object', '[1, 2]', /expected an object, found an array at \(top level\)/, 1, 1],
    [
      'resource_changes not an array',
      '{\n  "format_version": "1.2",\n  "resource_changes": {"a": 1}\n}',
      /expected an array, found an object at resource_changes$/,
      3,
      23,
    ],
    [
      'resource change not an object',
      '{"format_version":"1.2","resource_changes":[{"address":"a.b","type":"a","name":"b","change":{"actions":["create"]}}, 7]}',
      /expected an object, found a number at resource_changes\[1\]$/,
      1,
      118,
    ],
    [
      'actions not an array',
      '{"format_version":"1.2","resource_changes":[{"address":"a.b","type":"a","name":"b","change":{"actions":"create"}}]}',
      /expected an array, found a string at resource_changes\[0\]\.change\.actions$/,
      1,
      104,
    ],
    [
      'unsupported action',
      '{"format_version":"1.2","resource_changes":[{"address":"a.b","type":"a","name":"b","change":{"actions":["explode"]}}]}',
      /unsupported change actions \["explode"\] at resource_changes\[0\]\.change\.actions/,
      1,
      104,
    ],
    [
      'address not a string',
      '{"format_version":"1.2","resource_changes":[{"address":5}]}',
      /expected a string, found a number at resource_changes\[0\]\.address/,
      1,
      56,
    ],
  ])('%s', (_case, text, message, line, column) => {
    const error = failure(() => parsePlan(text, 'plan.json'));
    expect(error.message).toMatch(message);
    expect(error.message).not.toContain('\n');
    expect(error).toMatchObject({ file: 'plan.json', line, column, exitCode: 2 });
  });

  it(`rejects nesting deeper than ${MAX_NESTING_DEPTH} levels before parsing`, () => {
    const text = `{"format_version":"1.2","x":${'['.repeat(MAX_NESTING_DEPTH)}${']'.repeat(MAX_NESTING_DEPTH)}}`;
    const error = failure(() => parsePlan(text, 'deep.json'));
    expect(error.message).toMatch(/nesting is deeper than the limit of 256/);
    expect(error).toMatchObject({ line: 1, column: 28 + MAX_NESTING_DEPTH });
  });

  it('accepts nesting at the limit and brackets inside strings', () => {
    const text = `{"format_version":"1.2","x":"[[[[{{{{","y":${'['.repeat(MAX_NESTING_DEPTH - 1)}${']'.repeat(MAX_NESTING_DEPTH - 1)}}`;
    expect(parsePlan(text, 'ok.json').resources).toEqual([]);
  });

  it('counts the brackets after strings that end in escaped backslashes or hold escaped quotes', () => {
    // A string holding an escaped quote and brackets, then one that is a single backslash, then the deep array.
    const strings = String.raw`"say \"[[\" \\\"{{","\\"`;
    expect(JSON.parse(`[${strings}]`)).toEqual(['say "[[" \\"{{', '\\']);
    const deep = `${'['.repeat(MAX_NESTING_DEPTH)}${']'.repeat(MAX_NESTING_DEPTH)}`;
    const text = `{"format_version":"1.2","x":[${strings},${deep}]}`;
    const error = failure(() => parsePlan(text, 'deep.json'));
    expect(error.message).toMatch(/nesting is deeper than the limit of 256/);
    // The object and "x" are two levels: the deep array's 255th bracket opens level 257.
    expect(error).toMatchObject({ line: 1, column: text.indexOf(deep) + MAX_NESTING_DEPTH - 1 });
  });

  it('accepts a UTF-8 byte order mark', () => {
    expect(parsePlan('\uFEFF{"format_version":"1.2"}', 'bom.json').formatVersion).toBe('1.2');
  });
});

describe('bad plan files', () => {
  let dir = '';
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'tollgate-plan-'));
    await writeFile(path.join(dir, 'big.json'), `{"format_version":"1.2","pad":"${'x'.repeat(2048)}"}`);
    await writeFile(path.join(dir, 'latin1.json'), Buffer.from([0x7b, 0x0a, 0x22, 0xe9, 0x22, 0x7d]));
    await writeFile(
      path.join(dir, 'utf16.json'),
      Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('{"format_version":"1.1"}', 'utf16le')]),
    );
    await mkdir(path.join(dir, 'adir'));
  });

  it('reports a missing file', async () => {
    const error = await failureAsync(() => readPlanFile(path.join(dir, 'missing.json')));
    expect(error.message).toBe('plan file not found');
    expect(error.file).toBe(path.join(dir, 'missing.json'));
  });

  it('reports a directory', async () => {
    const error = await failureAsync(() => readPlanFile(path.join(dir, 'adir')));
    expect(error.message).toMatch(/is a directory/);
  });

  it('checks the size before reading', async () => {
    const error = await failureAsync(() => readPlanFile(path.join(dir, 'big.json'), { maxBytes: 1024 }));
    expect(error.message).toMatch(/over the 0\.0 MiB limit|over the .* limit/);
    await expect(readPlanFile(path.join(dir, 'big.json'), { maxBytes: 4096 })).resolves.toMatchObject({ formatVersion: '1.2' });
  });

  it('rejects invalid UTF-8 with its position', async () => {
    const error = await failureAsync(() => readPlanFile(path.join(dir, 'latin1.json')));
    expect(error.message).toMatch(/invalid UTF-8/);
    expect(error).toMatchObject({ line: 2, column: 2 });
  });

  it('reads UTF-16 written by PowerShell redirection', async () => {
    await expect(readPlanFile(path.join(dir, 'utf16.json'))).resolves.toMatchObject({ formatVersion: '1.1' });
  });
});
