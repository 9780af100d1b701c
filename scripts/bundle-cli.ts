/**
 * Bundles the compiled CLI (dist/cli/main.js, from tsc) into dist/tollgate.js and a few shared chunks
 * beside it, which bin/tollgate.js runs when they are at least as new as the tsc output. Node resolves,
 * reads and compiles one module per file: `tollgate check` loaded about 200 of them (the yaml package
 * alone is 70), which was most of a small plan's start-up. Each command stays in its own chunk, loaded
 * only when it runs, and the cloud SDKs, DuckDB, the Kubernetes client and playwright stay in node_modules:
 * they are large, load their own files at run time, and only the commands that need them import them.
 *
 * The chunks sit in dist/ itself, one level below the package root like every other compiled module,
 * so `src/package-paths.ts` finds the policies and schemas from them as it does from dist/cli/.
 *
 * `tollgate check` has a bundle of its own besides, dist/tollgate-check.cjs: CommonJS, so bin/tollgate.js can
 * run it with V8's code cache (src/cli/code-cache.ts), which Node 20 offers for scripts but not for ES modules.
 * The cache, dist/tollgate-check.cache, is the bytecode of a check of the demo plan run here. The built-in
 * policy bundle is unpacked into dist/builtin-bundle.tar, which every command reads while it is current.
 * Usage: node --import tsx scripts/bundle-cli.ts (run by `npm run build` and `prepare`, after tsc)
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build, type BuildOptions, type Plugin } from 'esbuild';
import { builtinBundleCopy } from '../src/cli/policy-source.js';
import { unpackedBundleCopy } from '../src/engine/bundle.js';
import { builtinBundlePath } from '../src/package-paths.js';

const distDir = fileURLToPath(new URL('../dist/', import.meta.url));

/** What a bundle build writes into dist/: the entries and their chunks (removed first, so no stale chunk stays). */
const BUNDLE_FILE = /^tollgate(-chunk-[A-Z0-9]+|-slice-worker)?\.js$|^tollgate-check\.(cjs|cache)$|^builtin-bundle\.tar$/;

/** Packages left to Node's resolver: native code, or files they read relative to themselves. */
const EXTERNAL = ['@aws-sdk/*', '@azure/*', '@google-cloud/*', '@duckdb/*', '@kubernetes/*', 'playwright-core'];

/**
 * Modules that packages require at load time but use only in paths `check` never takes: commander's
 * child_process (for executable subcommands; it brings net, dgram and streams with it) and opa-wasm's yaml 1.x
 * (for the yaml.* builtins). Each becomes an object that requires the module on its first property read.
 */
const LAZY_REQUIRES: ReadonlyArray<{ readonly module: RegExp; readonly from: RegExp }> = [
  { module: /^(node:)?child_process$/, from: /[\\/]commander[\\/]/ },
  { module: /^yaml$/, from: /[\\/]@open-policy-agent[\\/]opa-wasm[\\/]/ },
];

const lazyRequires: Plugin = {
  name: 'lazy-requires',
  setup(plugin) {
    for (const { module, from } of LAZY_REQUIRES) {
      plugin.onResolve({ filter: module }, (args) =>
        args.kind === 'require-call' && args.namespace === 'file' && from.test(args.importer)
          ? { path: args.path, namespace: 'lazy-require', pluginData: args.resolveDir }
          : undefined,
      );
    }
    plugin.onLoad({ filter: /.*/, namespace: 'lazy-require' }, (args) => ({
      contents: `let loaded;\nmodule.exports = new Proxy({}, { get: (_, key) => (loaded ??= require(${JSON.stringify(args.path)}))[key] });\n`,
      resolveDir: args.pluginData as string,
      loader: 'js',
    }));
  },
};

/**
 * A JSON module (the built-in price catalog) as `JSON.parse` of its text: V8 reads JSON text several times faster
 * than the same data written as an object literal, which is what esbuild would otherwise emit.
 */
const jsonAsText: Plugin = {
  name: 'json-as-text',
  setup(plugin) {
    plugin.onLoad({ filter: /\.json$/ }, (args) => ({
      contents: `export default JSON.parse(${JSON.stringify(JSON.stringify(JSON.parse(readFileSync(args.path, 'utf8'))))});\n`,
      loader: 'js',
    }));
  },
};

for (const name of readdirSync(distDir)) {
  if (BUNDLE_FILE.test(name)) rmSync(join(distDir, name));
}

/** What both bundles share: Node 20, the packages left outside, the plugins, and less text to read at start. */
const COMMON = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  external: EXTERNAL,
  // Less text for Node to read and V8 to parse at each start; names are kept, so a stack trace still reads.
  minifyWhitespace: true,
  minifySyntax: true,
  legalComments: 'none',
  logLevel: 'warning',
} satisfies BuildOptions;

await build({
  ...COMMON,
  // The slice worker is an entry of its own: worker threads start from a file (src/engine/slice-workers.ts finds
  // it beside the chunks), and it shares the opa-wasm chunk with the CLI.
  entryPoints: { tollgate: join(distDir, 'cli', 'main.js'), 'tollgate-slice-worker': join(distDir, 'engine', 'slice-worker.js') },
  outdir: distDir,
  chunkNames: 'tollgate-chunk-[hash]',
  splitting: true,
  format: 'esm',
  // commander, opa-wasm and sprintf-js are CommonJS and `require` Node's built-in modules; an ES module has
  // no `require` of its own, so each output file gets one.
  banner: {
    js: "import { createRequire as __tollgateCreateRequire } from 'node:module';\nconst require = __tollgateCreateRequire(import.meta.url);",
  },
  plugins: [lazyRequires, jsonAsText],
});

/** The other commands' modules, as dist/cli/main.js imports them: `check` never loads them. */
const OTHER_COMMAND = /^\.\/(explain|init|build|test|pricing|inventory|serve|report|comment|audit|remove-webhook)\.js$/;

/** In the check bundle, each other command is a module that says it is not there, in place of its code. */
const checkOnly: Plugin = {
  name: 'check-only',
  setup(plugin) {
    plugin.onResolve({ filter: OTHER_COMMAND }, (args) =>
      args.importer === join(distDir, 'cli', 'main.js') ? { path: args.path, namespace: 'other-command' } : undefined,
    );
    plugin.onLoad({ filter: /.*/, namespace: 'other-command' }, (args) => ({
      contents: `throw new Error(${JSON.stringify(`${args.path} is not part of the check bundle; run it from dist/tollgate.js`)});\n`,
      loader: 'js',
    }));
  },
};

const checkBundle = join(distDir, 'tollgate-check.cjs');
const built = await build({
  ...COMMON,
  entryPoints: [join(distDir, 'cli', 'main.js')],
  write: false,
  outfile: checkBundle,
  format: 'cjs',
  // A CommonJS file has no import.meta: the modules that locate files relative to themselves get the bundle's URL.
  define: { 'import.meta.url': '__tollgateModuleUrl' },
  banner: { js: "var __tollgateModuleUrl = require('node:url').pathToFileURL(__filename).href;" },
  plugins: [lazyRequires, jsonAsText, checkOnly],
});
const body = built.outputFiles[0]?.text ?? '';
// The content hash on the first line ties the code cache to this build (src/cli/code-cache.ts).
writeFileSync(checkBundle, `// tollgate-bundle ${createHash('sha256').update(body).digest('hex')}\n${body}`);

// The built-in policy bundle unpacked, so a check does not gunzip it at each start (src/engine/bundle.ts).
writeFileSync(builtinBundleCopy, unpackedBundleCopy(readFileSync(builtinBundlePath)));

// The bytecode of one check of the demo plan, run in a plain Node process as bin/tollgate.js runs it, from a
// directory with no tollgate.yaml. Without the cache a check compiles from source, so a failure here only warns.
const work = mkdtempSync(join(tmpdir(), 'tollgate-code-cache-'));
try {
  const demoPlan = fileURLToPath(new URL('../fixtures/plans/aws-ml-platform.json', import.meta.url));
  const out = (format: string): string => `${format}=${join(work, `result.${format}`)}`;
  const argv = ['node', 'tollgate', 'check', '--plan', demoPlan, '-f', out('json'), '-f', out('text'), '--fail-on', 'never'];
  const codeCache = pathToFileURL(join(distDir, 'cli', 'code-cache.js')).href;
  const cacheFile = join(distDir, 'tollgate-check.cache');
  const script = `import { writeCodeCache } from ${JSON.stringify(codeCache)};
await writeCodeCache(${JSON.stringify(checkBundle)}, ${JSON.stringify(cacheFile)}, ${JSON.stringify(argv)});`;
  const result = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
    cwd: work,
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1' },
  });
  if (result.status !== 0) process.stderr.write(`bundle-cli: no code cache for the check bundle (${result.stderr.trim().slice(-500)})\n`);
} finally {
  rmSync(work, { recursive: true, force: true });
}
