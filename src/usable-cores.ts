/**
 * How many cores this process may use: the CPUs it may run on (its affinity, `os.availableParallelism()`), and no
 * more than the CPU limit of its control groups. On Node 20, `os.availableParallelism()` reads only the affinity
 * (libuv 1.46), so a container limited to 2 CPUs on a 64-core node would count 64: `serve --workers auto` would start
 * 64 processes, each with its own heap and wasm instance, in a pod sized for two, and the CFS quota would throttle
 * them all. The limit is read as libuv 1.49 and later (Node 22 on) and Rust's `available_parallelism` read it: the
 * smallest quota / period along the process's cgroup and its parents (cgroup v2 `cpu.max`, v1
 * `cpu.cfs_quota_us` / `cpu.cfs_period_us`), rounded down, at least 1. Anything unreadable or malformed means no
 * limit: the affinity stands, and counting cores never fails a command.
 */
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';

/** Where the count comes from: the live system by default, a fixed set of files in tests. */
export interface CoreSources {
  /** The CPUs this process may run on. */
  readonly affinity: number;
  /** A file's text by absolute path, or undefined when it cannot be read. */
  readonly read: (path: string) => string | undefined;
}

/** A control group directory that may hold a CPU limit, and the mount point above which its parents are not visible. */
export interface CpuCgroup {
  readonly version: 1 | 2;
  readonly dir: string;
  readonly mountPoint: string;
}

function readText(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

export const liveSources = (): CoreSources => ({ affinity: availableParallelism(), read: readText });

/** The cores this process may use: its affinity, capped by its control groups' CPU limit. */
export function usableCores(sources: CoreSources = liveSources()): number {
  const limit = cpuLimit(sources.read);
  return limit === undefined ? sources.affinity : Math.max(1, Math.min(sources.affinity, limit));
}

/** The smallest CPU limit (whole cores, at least 1) of the process's control groups; undefined when none is set. */
export function cpuLimit(read: CoreSources['read']): number | undefined {
  let smallest: number | undefined;
  for (const cgroup of cpuCgroups(read)) {
    for (const dir of selfAndParents(cgroup.dir, cgroup.mountPoint)) {
      const cores =
        cgroup.version === 2 ? limitV2(read(`${dir}/cpu.max`)) : limitV1(read(`${dir}/cpu.cfs_quota_us`), read(`${dir}/cpu.cfs_period_us`));
      if (cores !== undefined) smallest = Math.min(smallest ?? cores, cores);
    }
  }
  return smallest;
}

/**
 * The process's cgroup directories that can carry a CPU limit: the unified (v2) hierarchy's and the v1 `cpu`
 * controller's, each found through its mount in /proc/self/mountinfo and the process's path in /proc/self/cgroup.
 * A host in hybrid mode has both; the smaller limit wins.
 */
export function cpuCgroups(read: CoreSources['read']): CpuCgroup[] {
  const mounts = cgroupMounts(read('/proc/self/mountinfo') ?? '');
  const found: CpuCgroup[] = [];
  for (const line of (read('/proc/self/cgroup') ?? '').split('\n')) {
    // hierarchy-id:controllers:path, the path itself possibly holding colons.
    const match = /^(\d+):([^:]*):(\/.*)$/.exec(line.trim());
    if (match === null) continue;
    const [, id, controllers = '', path = '/'] = match;
    const version = id === '0' && controllers === '' ? 2 : controllers.split(',').includes('cpu') ? 1 : undefined;
    if (version === undefined) continue;
    const mount = mounts.find((candidate) => candidate.version === version);
    if (mount === undefined) continue;
    found.push({ version, dir: dirUnder(mount, path), mountPoint: mount.mountPoint });
  }
  return found;
}

interface CgroupMount {
  readonly version: 1 | 2;
  /** The path within the hierarchy that is mounted (not "/" when only the container's own group is). */
  readonly root: string;
  readonly mountPoint: string;
}

/** The cgroup2 mounts and the v1 mounts that carry the cpu controller, from /proc/self/mountinfo. */
function cgroupMounts(mountinfo: string): CgroupMount[] {
  const mounts: CgroupMount[] = [];
  for (const line of mountinfo.split('\n')) {
    // id parent major:minor root mount-point options [optional fields...] - fstype source super-options
    const fields = line.trim().split(' ');
    const separator = fields.indexOf('-');
    if (separator < 6) continue;
    const [fsType, , superOptions = ''] = fields.slice(separator + 1);
    const root = unescapeMountPath(fields[3] ?? '');
    const mountPoint = unescapeMountPath(fields[4] ?? '');
    if (fsType === 'cgroup2') mounts.push({ version: 2, root, mountPoint });
    else if (fsType === 'cgroup' && superOptions.split(',').includes('cpu')) mounts.push({ version: 1, root, mountPoint });
  }
  return mounts;
}

/** mountinfo writes a space, tab, newline or backslash in a path as a three-digit octal escape. */
function unescapeMountPath(path: string): string {
  return path.replace(/\\([0-7]{3})/g, (_, octal: string) => String.fromCharCode(parseInt(octal, 8)));
}

/**
 * The directory of a cgroup path under a mount of its hierarchy. A container's mount often shows only its own
 * group (root = the group's path, or "/" inside a cgroup namespace), and then the mount point is that group.
 */
function dirUnder(mount: CgroupMount, path: string): string {
  const root = mount.root === '/' ? '' : mount.root;
  if (root !== '' && path !== root && !path.startsWith(`${root}/`)) return mount.mountPoint;
  const relative = path.slice(root.length).replace(/\/+$/, '');
  return `${mount.mountPoint.replace(/\/+$/, '')}${relative}`;
}

/** The directory and each parent up to the mount point, which is the last one visible. */
function selfAndParents(dir: string, mountPoint: string): string[] {
  const top = mountPoint.replace(/\/+$/, '');
  const dirs = [dir];
  let current = dir;
  while (current !== top && current.startsWith(`${top}/`)) {
    current = current.slice(0, current.lastIndexOf('/'));
    if (current === '') break;
    dirs.push(current);
  }
  return dirs;
}

/** cgroup v2 `cpu.max`: "max 100000" (no limit) or "<quota> <period>" in microseconds. */
function limitV2(text: string | undefined): number | undefined {
  const [quota, period, ...rest] = (text ?? '').trim().split(' ');
  return rest.length === 0 ? cores(wholeNumber(quota), wholeNumber(period)) : undefined;
}

/** cgroup v1: `cpu.cfs_quota_us` (-1: no limit) over `cpu.cfs_period_us`. */
function limitV1(quota: string | undefined, period: string | undefined): number | undefined {
  return cores(wholeNumber(quota), wholeNumber(period));
}

/** A file's or field's text as a whole number of digits; NaN for anything else ("max", "-1", ""). */
function wholeNumber(text: string | undefined): number {
  const trimmed = text?.trim() ?? '';
  return /^\d+$/.test(trimmed) ? Number(trimmed) : NaN;
}

/** Whole cores a quota allows per period, rounded down (1.5 CPUs keep one process busy, not two), at least 1. */
function cores(quota: number, period: number): number | undefined {
  if (!(quota > 0) || !(period > 0)) return undefined;
  return Math.max(1, Math.floor(quota / period));
}
