/**
 * The Dockerfile read as a reviewer would (no Docker daemon or hadolint here): multi-stage, the base pinned
 * by digest, a runtime stage without the compiler, a numeric non-root user, the built-in bundle inside, and a
 * build context that holds only what the stages copy.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';

const root = resolve(import.meta.dirname, '../..');
const dockerfile = readFileSync(join(root, 'Dockerfile'), 'utf8');
const ignore = readFileSync(join(root, '.dockerignore'), 'utf8');

interface Instruction {
  readonly keyword: string;
  readonly args: string;
}

/** Instructions with continuation lines joined and comments dropped. */
function instructions(text: string): Instruction[] {
  return text
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'))
    .map((line) => {
      const [keyword = '', ...rest] = line.split(/\s+/);
      return { keyword: keyword.toUpperCase(), args: rest.join(' ') };
    });
}

const all = instructions(dockerfile);
const stages = all.reduce<Instruction[][]>((list, instruction) => {
  if (instruction.keyword === 'FROM') list.push([]);
  list.at(-1)?.push(instruction);
  return list;
}, []);
const runtime = stages.at(-1) ?? [];

describe('Dockerfile', () => {
  it('is multi-stage, every stage on the base pinned by digest', () => {
    expect(stages.length).toBeGreaterThanOrEqual(2);
    const base = /^ARG NODE_IMAGE=(node:20[\w.-]*@sha256:[0-9a-f]{64})$/m.exec(dockerfile);
    expect(base?.[1]).toBeDefined();
    for (const stage of stages) expect(stage[0]?.args).toMatch(/^\$\{NODE_IMAGE\} AS \w+$/);
  });

  it('compiles in the build stage and carries no compiler or dev dependencies into the runtime', () => {
    const build = stages[0] ?? [];
    expect(build.some((i) => i.keyword === 'RUN' && i.args.includes('npm ci') && i.args.includes('npm prune --omit=dev'))).toBe(true);
    expect(runtime.filter((i) => i.keyword === 'RUN')).toEqual([]);
    expect(runtime.some((i) => i.keyword === 'COPY' && i.args.includes('/src/node_modules'))).toBe(true);
    expect(runtime.some((i) => i.keyword === 'COPY' && /^src\b/.test(i.args))).toBe(false);
  });

  it('runs as a numeric non-root user, the one the chart names', () => {
    const users = runtime.filter((i) => i.keyword === 'USER');
    expect(users.map((u) => u.args)).toEqual(['65532:65532']);
    const chartValues = join(root, 'charts/tollgate/values.yaml');
    if (existsSync(chartValues)) expect(readFileSync(chartValues, 'utf8')).toContain('runAsUser: 65532');
  });

  it('has the built-in bundle inside, and an entrypoint that is the CLI', () => {
    expect(existsSync(join(root, 'policies/tollgate.tar.gz'))).toBe(true);
    expect(runtime.some((i) => i.keyword === 'COPY' && i.args === 'policies policies')).toBe(true);
    expect(runtime.find((i) => i.keyword === 'ENTRYPOINT')?.args).toBe('["node", "/app/bin/tollgate.js"]');
  });

  it('sends only what it copies as the build context', () => {
    const lines = ignore.split('\n').filter((line) => line !== '' && !line.startsWith('#'));
    expect(lines[0]).toBe('*');
    for (const path of ['package.json', 'package-lock.json', 'bin/', 'src/', 'policies/', 'schemas/']) expect(lines).toContain(`!${path}`);
    expect(lines).not.toContain('!node_modules/');
  });

  it('the deployment runs the image with a read-only root filesystem', () => {
    const docs = parseAllDocuments(readFileSync(join(root, 'deploy/deployment.yaml'), 'utf8')).map((d) => d.toJS() as unknown);
    const text = JSON.stringify(docs);
    expect(text).toContain('"readOnlyRootFilesystem":true');
    expect(text).toContain('"runAsNonRoot":true');
  });

  it('the image and the chart agree on a read-only root: the same user, and HOME and TMPDIR on the one writable mount', () => {
    const env = new Map(
      runtime
        .filter((i) => i.keyword === 'ENV')
        .flatMap((i) => i.args.split(/\s+/))
        .map((pair) => pair.split('=') as [string, string]),
    );
    expect(env.get('HOME')).toBe('/tmp');
    expect(env.get('TMPDIR')).toBe('/tmp');
    // Files copied into the image stay root's: the process cannot change its own code or bundle.
    for (const copy of runtime.filter((i) => i.keyword === 'COPY')) expect(copy.args).not.toMatch(/--chown|--chmod/);
    const [uid, gid] = (runtime.find((i) => i.keyword === 'USER')?.args ?? '').split(':').map(Number);

    interface Pod {
      securityContext: { runAsUser: number; runAsGroup: number; runAsNonRoot: boolean };
      containers: Array<{
        securityContext: { readOnlyRootFilesystem: boolean };
        volumeMounts: Array<{ name: string; mountPath: string; readOnly?: boolean }>;
      }>;
      volumes: Array<{ name: string; emptyDir?: unknown }>;
    }
    const docs = parseAllDocuments(readFileSync(join(root, 'deploy/deployment.yaml'), 'utf8')).map(
      (d) => d.toJS() as { kind: string; spec: { template: { spec: Pod } } },
    );
    const pod = docs.find((d) => d.kind === 'Deployment')?.spec.template.spec;
    if (pod === undefined) throw new Error('no Deployment in deploy/deployment.yaml');
    expect(pod.securityContext).toMatchObject({ runAsUser: uid, runAsGroup: gid, runAsNonRoot: true });
    const [container] = pod.containers;
    expect(container?.securityContext.readOnlyRootFilesystem).toBe(true);
    const writable = (container?.volumeMounts ?? []).filter((mount) => mount.readOnly !== true);
    expect(writable.map((mount) => mount.mountPath)).toEqual(['/tmp']);
    const volume = pod.volumes.find((v) => v.name === writable[0]?.name);
    expect(volume?.emptyDir).toBeDefined();
  });
});
