/**
 * Terraform resource addresses: `module.a["x"].module.b[0].aws_instance.web["blue"]`.
 *
 * Instance keys may contain dots, brackets and escaped quotes, so the address is scanned rather than split.
 */

export interface ModuleStep {
  /** Module call name as written in `module "name" {}`. */
  readonly name: string;
  /** count index or for_each key of the module instance, when the call has one. */
  readonly key: string | number | null;
}

export interface ParsedAddress {
  readonly modules: readonly ModuleStep[];
  readonly mode: 'managed' | 'data';
  readonly type: string;
  readonly name: string;
  readonly index: string | number | null;
}

interface Segment {
  readonly word: string;
  readonly key: string | number | null;
}

/** Splits an address into `word[key]` segments; null when it is not a well-formed address. */
function segments(address: string): Segment[] | null {
  const out: Segment[] = [];
  let i = 0;
  while (i < address.length) {
    let end = i;
    while (end < address.length && address[end] !== '.' && address[end] !== '[') end++;
    const word = address.slice(i, end);
    if (word === '') return null;
    i = end;
    let key: string | number | null = null;
    if (address[i] === '[') {
      const close = readKey(address, i);
      if (close === null) return null;
      key = close.key;
      i = close.next;
    }
    out.push({ word, key });
    if (i < address.length) {
      if (address[i] !== '.') return null;
      i++;
    }
  }
  return out;
}

function readKey(address: string, open: number): { key: string | number; next: number } | null {
  if (address[open + 1] === '"') {
    let i = open + 2;
    for (; i < address.length && address[i] !== '"'; i++) if (address[i] === '\\') i++;
    if (address[i + 1] !== ']') return null;
    try {
      return { key: JSON.parse(address.slice(open + 1, i + 1)) as string, next: i + 2 };
    } catch {
      return null;
    }
  }
  const close = address.indexOf(']', open);
  if (close === -1) return null;
  const index = Number(address.slice(open + 1, close));
  return Number.isInteger(index) ? { key: index, next: close + 1 } : null;
}

export function parseAddress(address: string): ParsedAddress | null {
  const parts = segments(address);
  if (parts === null) return null;
  const modules: ModuleStep[] = [];
  let i = 0;
  while (i + 1 < parts.length && parts[i]?.word === 'module' && parts[i]?.key === null && parts.length - i > 2) {
    const call = parts[i + 1];
    if (call === undefined) return null;
    modules.push({ name: call.word, key: call.key });
    i += 2;
  }
  let mode: 'managed' | 'data' = 'managed';
  if (parts[i]?.word === 'data' && parts.length - i === 3) {
    mode = 'data';
    i++;
  }
  const type = parts[i];
  const name = parts[i + 1];
  if (type === undefined || name === undefined || parts.length !== i + 2 || type.key !== null) return null;
  return { modules, mode, type: type.word, name: name.word, index: name.key };
}

/** `module.a["x"].module.b` → `a.b`: the module calls in configuration, without instance keys. */
export function moduleCallPath(moduleAddress: string | null): string {
  if (moduleAddress === null || moduleAddress === '') return '';
  const parsed = parseAddress(`${moduleAddress}.x.y`);
  return parsed === null ? '' : parsed.modules.map((step) => step.name).join('.');
}

/** The module part of an address ("module.a.module.b" for "module.a.module.b.aws_s3_bucket.x[0]"), or null. */
export function moduleOfAddress(address: string): string | null {
  const parsed = parseAddress(address);
  if (parsed === null || parsed.modules.length === 0) return null;
  return parsed.modules.map((step) => `module.${step.name}${formatKey(step.key)}`).join('.');
}

export function formatKey(key: string | number | null): string {
  if (key === null) return '';
  return typeof key === 'number' ? `[${key}]` : `[${JSON.stringify(key)}]`;
}
