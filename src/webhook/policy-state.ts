/**
 * The policy being served: one PolicyEngine with its config, replaced whole when the bundle or the config
 * file changes. A change that cannot be loaded (corrupt bundle, invalid config) is logged and counted and
 * the previous policy keeps serving; requests never see a half-loaded state.
 */
import { existsSync } from 'node:fs';
import { DEFAULT_CONFIG_FILE, loadConfig, type TollgateConfig } from '../config/config.js';
import { readBundleFile, type Bundle } from '../engine/bundle.js';
import { PolicyEngine } from '../engine/policy-engine.js';
import { isTollgateError, TollgateError } from '../model/errors.js';
import { readInventoryFile } from '../inputs/inventory/index.js';
import type { Inventory } from '../model/inventory.js';
import { builtinBundlePath } from '../package-paths.js';
import { prepareSettings, type PreparedSettings } from '../prepare/index.js';
import { watchFiles, type StopWatching } from './file-watch.js';
import type { Logger } from './logger.js';
import type { WebhookMetrics } from './metrics.js';

export interface ServedPolicy {
  readonly engine: PolicyEngine;
  readonly config: TollgateConfig;
  readonly revision: string;
  /**
   * tollgate.yaml resolved for prepare: the configured price catalog (loaded with the policy, not per
   * request), usage, hours per month and namespace mappings.
   */
  readonly settings: PreparedSettings;
  /** The model inventory the review and model-savings rules read; absent without --inventory. */
  readonly inventory?: Inventory;
}

export interface PolicySources {
  /** A prebuilt bundle; the built-in bundle when neither this nor `loadBundle` is given. */
  readonly bundleFile?: string;
  /** Another way to get a bundle (e.g. `--policy` directories compiled at start); not watched. */
  readonly loadBundle?: () => Promise<Bundle>;
  readonly configFile?: string;
  /** Model inventory joined to workloads by their `tollgate.io/model` reference (review gates). */
  readonly inventoryFile?: string;
  /** Bundles arrive through serveBundle (fetched over HTTP(S)); none is read from a file. */
  readonly remoteBundle?: boolean;
}

function describe(error: unknown): string {
  if (isTollgateError(error)) return error.format();
  return error instanceof Error ? error.message : String(error);
}

export class PolicyState {
  private served: ServedPolicy | null = null;
  private reloading: Promise<void> | null = null;
  private reloadAgain = false;
  private stopWatching: StopWatching | null = null;
  /** The fetched bundle being served, which config and inventory reloads keep. */
  private fetched: Bundle | null = null;

  constructor(
    private readonly sources: PolicySources,
    private readonly logger: Logger,
    private readonly metrics: WebhookMetrics,
  ) {}

  get current(): ServedPolicy | null {
    return this.served;
  }

  /** Files whose change triggers a reload. */
  watchedFiles(): string[] {
    const files: string[] = [];
    if (!this.sources.loadBundle && this.sources.remoteBundle !== true) files.push(this.sources.bundleFile ?? builtinBundlePath);
    // The same file loadConfig picks: --config, else ./tollgate.yaml when present.
    const configFile = this.sources.configFile ?? (existsSync(DEFAULT_CONFIG_FILE) ? DEFAULT_CONFIG_FILE : null);
    if (configFile !== null) files.push(configFile);
    const catalogFile = this.served?.settings.catalogFile ?? null;
    if (catalogFile !== null) files.push(catalogFile);
    if (this.sources.inventoryFile !== undefined) files.push(this.sources.inventoryFile);
    return files;
  }

  private readBundle(): Promise<Bundle> | Bundle {
    if (this.sources.remoteBundle === true) {
      if (this.fetched === null) throw new TollgateError('no bundle has been fetched yet');
      return this.fetched;
    }
    return this.sources.loadBundle ? this.sources.loadBundle() : readBundleFile(this.sources.bundleFile ?? builtinBundlePath);
  }

  private async loadFresh(offered?: Bundle): Promise<ServedPolicy> {
    const loaded = loadConfig(this.sources.configFile);
    const settings = prepareSettings(loaded);
    // A catalog that cannot be loaded fails this (re)load, not every request after it.
    const offers = settings.acceleratorOffers();
    const bundle = offered ?? (await this.readBundle());
    const inventory =
      this.sources.inventoryFile === undefined ? undefined : readInventoryFile(this.sources.inventoryFile, new Date().toISOString());
    // The offers and the inventory are the same for every request until the next reload: they are passed to
    // the policy once, not serialised and parsed again with each request's input.
    const engine = await PolicyEngine.load(bundle, { ...loaded.config }, { catalog: offers, ...(inventory ? { inventory } : {}) });
    return { engine, config: loaded.config, revision: engine.revision, settings, ...(inventory ? { inventory } : {}) };
  }

  /** First load: a failure is the caller's to report (the server cannot start without a policy). */
  async load(): Promise<ServedPolicy> {
    const served = await this.loadFresh();
    this.install(served, 'loaded');
    return served;
  }

  private install(served: ServedPolicy, verb: string): void {
    this.served = served;
    this.metrics.setBundleRevision(served.revision);
    this.logger.log('info', `policy ${verb}`, { bundleRevision: served.revision, rules: served.engine.rules.length });
  }

  /** Reloads; concurrent triggers collapse into one more reload after the current one. */
  reload(): Promise<void> {
    if (this.reloading) {
      this.reloadAgain = true;
      return this.reloading;
    }
    this.reloading = (async () => {
      do {
        this.reloadAgain = false;
        try {
          this.install(await this.loadFresh(), 'reloaded');
        } catch (error) {
          this.metrics.countReloadFailure();
          this.logger.log('error', 'policy reload failed; the previous policy keeps serving', {
            error: describe(error),
            bundleRevision: this.served?.revision ?? null,
          });
        }
        // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition -- reload() calls made during the await above set it; TypeScript keeps the narrowing to false from the assignment at the top of the loop
      } while (this.reloadAgain);
      this.reloading = null;
    })();
    return this.reloading;
  }

  /**
   * Serves a fetched bundle with the current config and inventory, replacing the policy whole; throws (and
   * the previous policy keeps serving) when it cannot be loaded. Runs between reloads, never alongside one,
   * so a reload that started with the old bundle cannot install it afterwards.
   */
  async serveBundle(bundle: Bundle): Promise<void> {
    while (this.reloading) await this.reloading;
    const attempt = (async (): Promise<{ error: unknown } | null> => {
      try {
        const served = await this.loadFresh(bundle);
        this.fetched = bundle;
        this.install(served, this.served ? 'reloaded' : 'loaded');
        return null;
      } catch (error) {
        return { error };
      }
    })();
    this.reloading = attempt.then(() => undefined);
    const failure = await attempt;
    this.reloading = null;
    // A file changed while the bundle loaded: reload once more, with the bundle now served.
    if (this.reloadAgain) void this.reload();
    if (failure !== null) throw failure.error;
  }

  watch(intervalMs: number): void {
    this.stopWatching?.();
    this.stopWatching = watchFiles(this.watchedFiles(), () => void this.reload(), intervalMs);
  }

  stop(): void {
    this.stopWatching?.();
    this.stopWatching = null;
  }
}
