/**
 * What `npm install tollgate` costs a user: packs this checkout (`npm pack`, dist/ as built), installs the
 * tarball into empty directories from the npm registry (`--prefer-offline`: cached packages are not fetched
 * again, so the time is mostly npm's own work and unpacking) and prints, side by side, the time, the size of
 * node_modules and the number of packages for a full install and for a `check`-only install that leaves out
 * the optional dependencies (cloud SDKs, DuckDB, the Kubernetes client), and whether `tollgate check` runs there.
 * Usage: node --import tsx bench/install-size.ts   (needs `npm run build` first; network to the registry)
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));

interface Figures {
  readonly name: string;
  readonly seconds: number;
  readonly bytes: number;
  readonly packages: number;
  readonly checkRuns: boolean;
}

function duBytes(dir: string): number {
  const out = execFileSync('du', ['-sb', dir], { encoding: 'utf8' });
  return Number(out.split('\t')[0]);
}

/** Installed packages: every directory under node_modules (scoped ones counted one by one) with a package.json. */
function countPackages(nodeModules: string): number {
  let count = 0;
  const visit = (dir: string): void => {
    let entries: string[];
    try {
      entries = readdirSync(dir);
    } catch {
      return;
    }
    for (const name of entries) {
      if (name.startsWith('.')) continue;
      const path = join(dir, name);
      if (name.startsWith('@')) {
        visit(path);
        continue;
      }
      try {
        statSync(join(path, 'package.json'));
        count += 1;
      } catch {
        continue;
      }
      visit(join(path, 'node_modules'));
    }
  };
  visit(nodeModules);
  return count;
}

function install(name: string, tarball: string, extra: readonly string[]): Figures {
  const dir = mkdtempSync(join(tmpdir(), 'tollgate-install-'));
  try {
    writeFileSync(join(dir, 'package.json'), '{"name":"install-size","private":true}\n');
    const started = process.hrtime.bigint();
    execFileSync('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error', ...extra, tarball], {
      cwd: dir,
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    const nodeModules = join(dir, 'node_modules');
    const plan = join(dir, 'node_modules', 'tollgate', 'fixtures', 'plans', 'aws-ml-platform.json');
    const check = spawnSync(join(dir, 'node_modules', '.bin', 'tollgate'), ['check', '--plan', plan, '--fail-on', 'never'], {
      cwd: dir,
      encoding: 'utf8',
    });
    return { name, seconds, bytes: duBytes(nodeModules), packages: countPackages(nodeModules), checkRuns: check.status === 0 };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function mib(bytes: number): string {
  return `${(bytes / 2 ** 20).toFixed(1)} MiB`;
}

const packDir = mkdtempSync(join(tmpdir(), 'tollgate-pack-'));
try {
  // dist/ is what `npm run build` left; the prepare script would only rebuild it.
  const packed = JSON.parse(
    execFileSync('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', packDir], { cwd: root, encoding: 'utf8' }),
  ) as Array<{ filename: string; size: number; unpackedSize: number }>;
  const entry = packed[0];
  if (!entry) throw new Error('npm pack wrote nothing');
  const tarball = join(packDir, entry.filename);
  const rows = [install('full (npm install tollgate)', tarball, []), install('check only (--omit=optional)', tarball, ['--omit=optional'])];
  const cpu = cpus()[0]?.model ?? 'unknown CPU';
  console.log(`install size of ${entry.filename} (${mib(entry.size)} packed, ${mib(entry.unpackedSize)} unpacked)`);
  console.log(
    `machine: ${cpus().length} × ${cpu}, Node ${process.version}, npm ${execFileSync('npm', ['--version'], { encoding: 'utf8' }).trim()}`,
  );
  console.log('| install | time | node_modules | packages | `tollgate check` runs |');
  console.log('| --- | ---: | ---: | ---: | --- |');
  for (const row of rows) {
    console.log(`| ${row.name} | ${row.seconds.toFixed(1)} s | ${mib(row.bytes)} | ${row.packages} | ${row.checkRuns ? 'yes' : 'no'} |`);
  }
} finally {
  rmSync(packDir, { recursive: true, force: true });
}
