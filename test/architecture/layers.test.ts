/**
 * The import rules of ../shared/DESIGN.md, enforced: imports flow one way,
 *   cli → (webhook | audit | report) → prepare → (engine, inputs, pricing, billing, output, compiler) → config → model,
 * `model` imports nothing of the project, `engine` knows nothing of Terraform or Kubernetes, and there is no
 * import cycle, neither between files nor between layers of the same rank.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const SRC = resolve(import.meta.dirname, '../../src');

/** Rank of each layer: a file may import its own layer and layers of a lower rank, never a higher one. */
const RANKS: Readonly<Record<string, number>> = {
  model: 0,
  // Files directly under src/ (errors aside, which is part of the contract): package paths, retry.
  '.': 1,
  config: 2,
  engine: 3,
  inputs: 3,
  pricing: 3,
  billing: 3,
  output: 3,
  compiler: 3,
  prepare: 4,
  webhook: 5,
  audit: 5,
  report: 5,
  // Pull/merge request comments over the code hosts' REST APIs.
  comment: 5,
  cli: 6,
};

/** Imports that the ranks allow but the design forbids. */
const FORBIDDEN: ReadonlyArray<readonly [from: string, to: string]> = [['engine', 'inputs']];

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

function layerOf(file: string): string {
  const [top, ...below] = relative(SRC, file).split('/');
  return below.length === 0 || top === undefined ? '.' : top;
}

function rankOf(layer: string): number {
  const rank = RANKS[layer];
  if (rank === undefined) throw new Error(`unknown layer ${layer}`);
  return rank;
}

/** Project files a file imports (static, dynamic and type-only imports, and re-exports). */
function importsOf(file: string): string[] {
  const info = ts.preProcessFile(readFileSync(file, 'utf8'), true, true);
  return info.importedFiles
    .map((ref) => ref.fileName)
    .filter((name) => name.startsWith('.') && !name.endsWith('.json'))
    .map((name) => resolve(dirname(file), name.replace(/\.js$/, '.ts')));
}

const files = sourceFiles(SRC);
const graph = new Map(files.map((file) => [file, importsOf(file)]));
const name = (file: string): string => relative(SRC, file);

/** Strongly connected components with more than one member (or a self-import): the cycles. */
function cycles(nodes: Map<string, readonly string[]>): string[][] {
  let counter = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const known = (map: Map<string, number>, node: string): number => {
    const value = map.get(node);
    if (value === undefined) throw new Error(`${node} has not been visited`);
    return value;
  };
  const visit = (node: string): void => {
    index.set(node, counter);
    low.set(node, counter);
    counter++;
    stack.push(node);
    onStack.add(node);
    for (const next of nodes.get(node) ?? []) {
      if (!nodes.has(next)) continue;
      if (!index.has(next)) {
        visit(next);
        low.set(node, Math.min(known(low, node), known(low, next)));
      } else if (onStack.has(next)) {
        low.set(node, Math.min(known(low, node), known(index, next)));
      }
    }
    if (low.get(node) === index.get(node)) {
      const component: string[] = [];
      let member: string | undefined;
      do {
        member = stack.pop();
        if (member === undefined) throw new Error(`${node} is not on the stack`);
        onStack.delete(member);
        component.push(member);
      } while (member !== node);
      if (component.length > 1 || (nodes.get(node) ?? []).includes(node)) found.push(component.sort());
    }
  };
  for (const node of nodes.keys()) if (!index.has(node)) visit(node);
  return found;
}

describe('import layers', () => {
  it('every file under src/ belongs to a known layer', () => {
    const unknown = [...new Set(files.map(layerOf))].filter((layer) => RANKS[layer] === undefined);
    expect(unknown).toEqual([]);
  });

  it('every relative import resolves to a project file', () => {
    const missing = [...graph].flatMap(([file, imports]) =>
      imports.filter((target) => !graph.has(target)).map((target) => `${name(file)} → ${name(target)}`),
    );
    expect(missing).toEqual([]);
  });

  it('no file imports a layer above its own', () => {
    const upward = [...graph].flatMap(([file, imports]) => {
      const from = layerOf(file);
      return imports
        .filter((target) => graph.has(target))
        .filter((target) => rankOf(layerOf(target)) > rankOf(from))
        .map((target) => `${name(file)} (${from}) → ${name(target)} (${layerOf(target)})`);
    });
    expect(upward).toEqual([]);
  });

  it('the model imports nothing of the project but itself', () => {
    const outside = [...graph]
      .filter(([file]) => layerOf(file) === 'model')
      .flatMap(([file, imports]) => imports.filter((t) => layerOf(t) !== 'model').map((t) => `${name(file)} → ${name(t)}`));
    expect(outside).toEqual([]);
  });

  it('forbidden pairs of layers do not import each other', () => {
    const found = [...graph].flatMap(([file, imports]) =>
      imports
        .filter((target) => FORBIDDEN.some(([from, to]) => layerOf(file) === from && layerOf(target) === to))
        .map((target) => `${name(file)} → ${name(target)}`),
    );
    expect(found).toEqual([]);
  });

  it('no import cycle between files', () => {
    expect(cycles(graph).map((component) => component.map(name))).toEqual([]);
  });

  it('no import cycle between layers of the same rank', () => {
    const layers = new Map<string, string[]>();
    for (const [file, imports] of graph) {
      const from = layerOf(file);
      const targets = layers.get(from) ?? [];
      for (const target of imports) {
        const to = layerOf(target);
        if (to !== from && !targets.includes(to)) targets.push(to);
      }
      layers.set(from, targets);
    }
    expect(cycles(layers)).toEqual([]);
  });

  it('the checker itself finds a cycle and an upward import', () => {
    expect(
      cycles(
        new Map([
          ['a', ['b']],
          ['b', ['a']],
          ['c', []],
        ]),
      ),
    ).toEqual([['a', 'b']]);
    expect(rankOf('cli') > rankOf('model')).toBe(true);
  });
});
