/**
 * Every YAML file a user or a platform loads (the GitHub Action, example pipelines, Kubernetes manifests)
 * parses: GitHub refuses an action whose action.yml does not, and kubectl a manifest.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';

const root = resolve(import.meta.dirname, '../..');

function yamlFiles(path: string): string[] {
  const absolute = join(root, path);
  if (statSync(absolute).isFile()) return [path];
  return readdirSync(absolute)
    .flatMap((entry) => yamlFiles(join(path, entry)))
    .filter((file) => /\.ya?ml$/.test(file));
}

const files = ['action.yml', 'examples', 'deploy', 'fixtures'].flatMap(yamlFiles);

describe('YAML files in the repository', () => {
  it('finds the action, the examples and the manifests', () => {
    expect(files).toContain('action.yml');
    expect(files.some((file) => file.startsWith('deploy/'))).toBe(true);
  });

  it.each(files)('%s parses', (file) => {
    const errors = parseAllDocuments(readFileSync(join(root, file), 'utf8')).flatMap((document) =>
      'errors' in document ? document.errors.map((error) => `${relative(root, join(root, file))}: ${error.message.split('\n')[0]}`) : [],
    );
    expect(errors).toEqual([]);
  });
});
