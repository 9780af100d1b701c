import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmdirSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseWorkers } from '../src/webhook/workers.js';
import { cpuCgroups, cpuLimit, liveSources, usableCores, type CoreSources } from '../src/usable-cores.js';

/** A process's view of the system as files: /proc/self/mountinfo, /proc/self/cgroup and the cgroup files. */
function system(files: Record<string, string>, affinity = 8): CoreSources {
  return { affinity, read: (path) => files[path] };
}

const V2_MOUNT = '30 23 0:26 / /sys/fs/cgroup rw,nosuid,nodev,noexec,relatime shared:4 - cgroup2 cgroup2 rw,nsdelegate\n';
const PROC_MOUNT = '22 1 0:21 / /proc rw,nosuid,nodev,noexec,relatime shared:12 - proc proc rw\n';

describe('usableCores', () => {
  it('caps the affinity by a cgroup v2 limit, rounded down and at least one', () => {
    const inContainer = (cpuMax: string): CoreSources =>
      system({ '/proc/self/mountinfo': PROC_MOUNT + V2_MOUNT, '/proc/self/cgroup': '0::/\n', '/sys/fs/cgroup/cpu.max': `${cpuMax}\n` });
    expect(usableCores(inContainer('200000 100000'))).toBe(2);
    expect(usableCores(inContainer('250000 100000'))).toBe(2);
    expect(usableCores(inContainer('50000 100000'))).toBe(1);
    expect(usableCores(inContainer('max 100000'))).toBe(8);
    expect(usableCores(inContainer('1600000 100000'))).toBe(8);
  });

  it('takes the smallest limit of the group and its parents (a pod limit above a container without one)', () => {
    const sources = system({
      '/proc/self/mountinfo': V2_MOUNT,
      '/proc/self/cgroup': '0::/kubepods.slice/pod-a.slice/cri-b.scope\n',
      '/sys/fs/cgroup/kubepods.slice/pod-a.slice/cri-b.scope/cpu.max': 'max 100000',
      '/sys/fs/cgroup/kubepods.slice/pod-a.slice/cpu.max': '300000 100000',
      '/sys/fs/cgroup/kubepods.slice/cpu.max': '400000 100000',
    });
    expect(cpuLimit(sources.read)).toBe(3);
    expect(usableCores(sources)).toBe(3);
  });

  it('reads cgroup v1 quota and period under a container mount that shows only its own group', () => {
    const files = {
      '/proc/self/mountinfo':
        '40 31 0:37 /docker/abc /sys/fs/cgroup/cpu,cpuacct ro,nosuid - cgroup cgroup rw,cpu,cpuacct\n' +
        '41 31 0:38 /docker/abc /sys/fs/cgroup/memory ro,nosuid - cgroup cgroup rw,memory\n',
      '/proc/self/cgroup': '5:memory:/docker/abc\n4:cpu,cpuacct:/docker/abc\n',
      '/sys/fs/cgroup/cpu,cpuacct/cpu.cfs_quota_us': '300000\n',
      '/sys/fs/cgroup/cpu,cpuacct/cpu.cfs_period_us': '100000\n',
    };
    expect(cpuCgroups(system(files).read)).toEqual([
      { version: 1, dir: '/sys/fs/cgroup/cpu,cpuacct', mountPoint: '/sys/fs/cgroup/cpu,cpuacct' },
    ]);
    expect(usableCores(system(files))).toBe(3);
    expect(usableCores(system(files, 2))).toBe(2);
    expect(usableCores(system({ ...files, '/sys/fs/cgroup/cpu,cpuacct/cpu.cfs_quota_us': '-1\n' }))).toBe(8);
  });

  it('takes the smaller of v1 and v2 on a hybrid host, and reads escaped mount points', () => {
    const sources = system({
      '/proc/self/mountinfo':
        '32 31 0:29 / /sys/fs/cgroup/cpu\\040quota rw,relatime - cgroup cgroup rw,cpu\n' +
        '41 31 0:38 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw\n',
      '/proc/self/cgroup': '1:cpu:/ci/job-7\n0::/ci/job-7\n',
      '/sys/fs/cgroup/cpu quota/ci/job-7/cpu.cfs_quota_us': '-1',
      '/sys/fs/cgroup/cpu quota/ci/cpu.cfs_quota_us': '200000',
      '/sys/fs/cgroup/cpu quota/ci/cpu.cfs_period_us': '100000',
      '/sys/fs/cgroup/unified/ci/job-7/cpu.max': '600000 100000',
    });
    expect(usableCores(sources)).toBe(2);
  });

  it('falls back to the affinity when nothing can be read or a file is malformed, and never throws', () => {
    expect(usableCores(system({}, 4))).toBe(4);
    expect(usableCores(system({ '/proc/self/mountinfo': 'garbage\n- -\n', '/proc/self/cgroup': 'nonsense' }, 4))).toBe(4);
    const malformed = (cpuMax: string): CoreSources =>
      system({ '/proc/self/mountinfo': V2_MOUNT, '/proc/self/cgroup': '0::/\n', '/sys/fs/cgroup/cpu.max': cpuMax }, 4);
    for (const text of ['', 'max', '0 100000', '100000 0', '-5 100000', '1e6 100000', 'lots 100000']) {
      expect(usableCores(malformed(text))).toBe(4);
    }
  });

  it('is what serve --workers auto starts', () => {
    expect(parseWorkers('auto')).toBe(Math.min(64, usableCores()));
    expect(usableCores()).toBeLessThanOrEqual(availableParallelism());
  });
});

/**
 * A real control group: the child process is put in a group whose parent is limited to one CPU, and counts its
 * cores there. Needs Linux, root and a writable cpu controller (v1, or v2 with cpu enabled for children); skipped
 * with the reason otherwise.
 */
describe('usableCores in a real control group', () => {
  /** Groups made, removed innermost first (a group is removable once its processes have ended). */
  function removeGroups(made: string[]): void {
    for (const dir of [...made].reverse()) {
      try {
        rmdirSync(dir);
      } catch {
        // Left behind only if its process is still alive, which spawnSync rules out.
      }
    }
  }

  /** A group limited to one CPU with a group below it that has no limit of its own, or why there is none. */
  function limitedGroup(made: string[]): { readonly inner: string } | { readonly skip: string } {
    if (process.platform !== 'linux') return { skip: 'not Linux' };
    if (process.getuid?.() !== 0) return { skip: 'not root: cannot create a control group' };
    const reasons: string[] = [];
    for (const cgroup of cpuCgroups(liveSources().read)) {
      const outer = join(cgroup.dir, `tollgate-cores-${process.pid}-${made.length}`);
      try {
        mkdirSync(outer);
        made.push(outer);
        if (cgroup.version === 1) {
          const period = readFileSync(join(outer, 'cpu.cfs_period_us'), 'utf8').trim();
          writeFileSync(join(outer, 'cpu.cfs_quota_us'), period);
        } else {
          writeFileSync(join(outer, 'cpu.max'), '100000 100000');
        }
        const inner = join(outer, 'inner');
        mkdirSync(inner);
        made.push(inner);
        return { inner };
      } catch (error) {
        reasons.push(`cgroup v${cgroup.version} at ${cgroup.dir}: ${(error as Error).message}`);
      }
    }
    return { skip: reasons.length === 0 ? 'no cgroup with a cpu controller' : reasons.join('; ') };
  }

  it('counts one core (and serve --workers auto one process) under a parent limited to one CPU, where os.availableParallelism() counts the affinity', (context) => {
    const made: string[] = [];
    const work = mkdtempSync(join(tmpdir(), 'tollgate-cores-'));
    try {
      const group = limitedGroup(made);
      if ('skip' in group) {
        console.warn(`usable-cores: the real control group test is skipped (${group.skip})`);
        context.skip(group.skip);
        return;
      }
      const script = join(work, 'count.ts');
      const source = (file: string): string => JSON.stringify(new URL(`file://${resolve(import.meta.dirname, '../src', file)}`).href);
      writeFileSync(
        script,
        `import { availableParallelism } from 'node:os';\nimport { usableCores } from ${source('usable-cores.ts')};\n` +
          `import { parseWorkers } from ${source('webhook/workers.ts')};\n` +
          "process.stdout.write(JSON.stringify({ usable: usableCores(), affinity: availableParallelism(), auto: parseWorkers('auto') }));\n",
      );
      // The shell joins the group, then becomes node: the count is taken inside the group.
      const joined = spawnSync(
        'sh',
        ['-c', 'echo $$ > "$1/cgroup.procs" && exec "$2" --import tsx "$3"', 'sh', group.inner, process.execPath, script],
        {
          encoding: 'utf8',
          cwd: resolve(import.meta.dirname, '..'),
        },
      );
      expect(joined.stderr).toBe('');
      const counted = JSON.parse(joined.stdout) as { usable: number; affinity: number; auto: number };
      expect(counted.affinity).toBe(availableParallelism());
      expect(counted.usable).toBe(1);
      // serve --workers auto: one process, not one per core of the machine.
      expect(counted.auto).toBe(1);
    } finally {
      rmSync(work, { recursive: true, force: true });
      removeGroups(made);
    }
  });
});
