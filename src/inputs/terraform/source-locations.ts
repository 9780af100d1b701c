/**
 * Where each resource is declared: the file and line of its `resource "type" "name" {` block in the
 * Terraform sources, following module calls with local sources (`source = "./modules/x"`) into their
 * directories. Registry and git modules are not on disk, so their resources keep `location: null`.
 *
 * This is a light scan of HCL, not a parser: it tracks nesting, strings, comments and heredocs just well
 * enough to find top-level block headers and a module call's `source` attribute.
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { parseAddress } from './address.js';
import { TollgateError } from '../../model/errors.js';
import type { Resource, SourceLocation } from '../../model/resource.js';

interface DirectoryIndex {
  /** "aws_s3_bucket.x" → where it is declared. */
  readonly resources: ReadonlyMap<string, SourceLocation>;
  /** Module call name → absolute directory of its local source. */
  readonly modules: ReadonlyMap<string, string>;
}

const blockHeader = /^\s*(resource|module)\s+"([^"]+)"(?:\s+"([^"]+)")?\s*\{/;
const sourceAttribute = /^\s*source\s*=\s*"([^"]*)"/;
const heredocStart = /<<-?\s*([A-Za-z_][A-Za-z0-9_]*)\s*$/;

/** Net change in brace depth on a line, ignoring braces in strings and comments. Updates the comment state. */
function braceDelta(line: string, state: { inBlockComment: boolean }): number {
  let delta = 0;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (state.inBlockComment) {
      if (c === '*' && line[i + 1] === '/') {
        state.inBlockComment = false;
        i++;
      }
      continue;
    }
    if (c === '#' || (c === '/' && line[i + 1] === '/')) break;
    if (c === '/' && line[i + 1] === '*') {
      state.inBlockComment = true;
      i++;
    } else if (c === '"') {
      for (i++; i < line.length && line[i] !== '"'; i++) if (line[i] === '\\') i++;
    } else if (c === '{') delta++;
    else if (c === '}') delta--;
  }
  return delta;
}

interface ScannedBlock {
  readonly keyword: 'resource' | 'module';
  readonly labels: readonly [string, string | undefined];
  readonly line: number;
  source: string | null;
}

export function scanTerraformSource(text: string): ScannedBlock[] {
  const blocks: ScannedBlock[] = [];
  const lines = text.split(/\r?\n/);
  const state = { inBlockComment: false };
  let depth = 0;
  let heredocEnd: string | null = null;
  let open: ScannedBlock | null = null;
  for (let n = 0; n < lines.length; n++) {
    const line = lines[n] ?? '';
    if (heredocEnd !== null) {
      if (line.trim() === heredocEnd) heredocEnd = null;
      continue;
    }
    if (depth === 0 && !state.inBlockComment) {
      const header = blockHeader.exec(line);
      if (header) {
        open = { keyword: header[1] === 'module' ? 'module' : 'resource', labels: [header[2] ?? '', header[3]], line: n + 1, source: null };
        blocks.push(open);
      }
    } else if (depth === 1 && open?.keyword === 'module' && !state.inBlockComment) {
      const source = sourceAttribute.exec(line);
      if (source) open.source = source[1] ?? null;
    }
    depth += braceDelta(line, state);
    if (depth <= 0) {
      depth = 0;
      open = null;
    }
    const heredoc = state.inBlockComment ? null : heredocStart.exec(line);
    if (heredoc) heredocEnd = heredoc[1] ?? null;
  }
  return blocks;
}

async function indexDirectory(directory: string): Promise<DirectoryIndex> {
  const resources = new Map<string, SourceLocation>();
  const modules = new Map<string, string>();
  let names: string[];
  try {
    names = (await readdir(directory)).filter((name) => name.endsWith('.tf')).sort();
  } catch {
    return { resources, modules };
  }
  for (const name of names) {
    const file = path.join(directory, name);
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch {
      continue;
    }
    const relative = path.relative(process.cwd(), file);
    for (const block of scanTerraformSource(text)) {
      const [first, second] = block.labels;
      if (block.keyword === 'resource' && second !== undefined) {
        const key = `${first}.${second}`;
        if (!resources.has(key)) resources.set(key, { file: relative, line: block.line });
      } else if (block.keyword === 'module' && block.source !== null && (block.source.startsWith('./') || block.source.startsWith('../'))) {
        modules.set(first, path.resolve(directory, block.source));
      }
    }
  }
  return { resources, modules };
}

/** A `--tf-dir` that is missing or is a file is the user's mistake, not a tree without resources. */
async function assertDirectory(tfDir: string): Promise<void> {
  let isDirectory: boolean;
  try {
    isDirectory = (await stat(tfDir)).isDirectory();
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'ENOENT' && code !== 'ENOTDIR') throw new TollgateError(`--tf-dir ${tfDir}: cannot read it (${code ?? 'error'})`);
    isDirectory = false;
  }
  if (!isDirectory) throw new TollgateError(`--tf-dir ${tfDir}: no such directory`);
}

/**
 * Fills `location` for every resource whose declaration is found under `tfDir`. Resources whose module
 * comes from a registry or git, or whose block is not found, keep `location: null`. A `tfDir` that is not
 * a directory is a TollgateError.
 */
export async function locateResources(resources: Resource[], tfDir: string): Promise<Resource[]> {
  await assertDirectory(tfDir);
  const indexes = new Map<string, Promise<DirectoryIndex>>();
  const indexOf = (directory: string): Promise<DirectoryIndex> => {
    let index = indexes.get(directory);
    if (index === undefined) {
      index = indexDirectory(directory);
      indexes.set(directory, index);
    }
    return index;
  };
  const moduleDirectories = new Map<string, Promise<string | null>>();
  const directoryOf = (module: string | null): Promise<string | null> => {
    const key = module ?? '';
    let directory = moduleDirectories.get(key);
    if (directory === undefined) {
      directory = resolveModuleDirectory(path.resolve(tfDir), module, indexOf);
      moduleDirectories.set(key, directory);
    }
    return directory;
  };

  return Promise.all(
    resources.map(async (resource) => {
      const directory = await directoryOf(resource.module);
      if (directory === null) return resource;
      const location = (await indexOf(directory)).resources.get(`${resource.type}.${resource.name}`);
      return location === undefined ? resource : { ...resource, location };
    }),
  );
}

async function resolveModuleDirectory(
  root: string,
  module: string | null,
  indexOf: (directory: string) => Promise<DirectoryIndex>,
): Promise<string | null> {
  if (module === null) return root;
  const steps = parseAddress(`${module}.x.y`)?.modules ?? [];
  let directory = root;
  for (const step of steps) {
    const next = (await indexOf(directory)).modules.get(step.name);
    if (next === undefined) return null;
    directory = next;
  }
  return directory;
}
