/**
 * Evaluates the decision entrypoint of a loaded wasm bundle. The module is compiled once; an
 * instance with its data set is reused across evaluations and replaced only when an input needs a
 * bigger heap than it has. Each evaluation serialises the input once.
 *
 * A large input is judged in slices when the bundle offers them (policies/decision.rego): the rules
 * declared per-resource over slices of the resources (tollgate/resource_findings), every other rule once
 * over the whole input (tollgate/plan_decision; each resource narrowed to the fields those rules read, when the
 * bundle lists them in tollgate/plan_view), and the lists joined. opa-wasm resets the heap at each
 * evaluation, so no heap ever holds every finding: on a 10k-resource plan with a finding on most
 * resources, OPA's allocator spent a quarter of the time walking free lists grown long with findings.
 */
import { createHash } from 'node:crypto';
import { evaluateText, loadPolicySync, WASM_PAGE, type Policy, type WasmModule } from './opa-wasm.js';
import { errorMessage, TollgateError } from '../model/errors.js';
import { isPlainObject } from '../model/json-value.js';
import type { Bundle } from './bundle.js';
import { DECISION_ENTRYPOINT, type Decision, type PolicyDecision, type RuleDoc } from '../model/decision.js';
import { readDecision } from './read-decision.js';
import { BatchSerialiser, type BatchOptions, type DecisionWithoutDigest, type PreloadedFacts } from './batch-input.js';
import { sliceInput, sliceInputBytes, type SliceJob } from './slice-job.js';
import { usableCores } from '../usable-cores.js';
import { encodeResources, frameOf, inputDigest as digestOfRuns, wholeInput, type InputFrame } from './sliced-input.js';
import { bytesAround, inputDigest as reportDigest, reportTexts, type ReportTexts } from './report-texts.js';
import {
  decisionOverView,
  readOverView,
  REPORT_VIEW_DECISION_ENTRYPOINT,
  REPORT_VIEW_ENTRYPOINT,
  reportViewInput,
  reportViewOf,
  type ReportParts,
  type ReportView,
} from './report-view.js';
import { SliceWorkerError, SliceWorkers } from './slice-workers.js';

// 3 GiB. Not the wasm32 ceiling of 4 GiB: OPA's allocator keeps the heap's end in a 32-bit integer,
// which wraps to 0 for a memory of exactly 4 GiB, and every allocation then fails.
const MAX_PAGES = 49_152;
const BASE_PAGES = 256; // 16 MiB: the bundle's data and a small input
/** An input needing at most this many pages is evaluated in the instance already there, which grows. */
const SMALL_INPUT_PAGES = 2 * BASE_PAGES;

/**
 * In V8 a wasm `memory.grow` costs time proportional to the memory already there, and the policy's
 * allocator grows a page or so at a time: a 10k-resource plan spent 20 of 22 s growing. A fresh
 * instance created with enough initial memory costs almost nothing (untouched pages are not resident),
 * so the engine sizes the instance to the input: the built-in rules use about 17 bytes of heap per
 * input byte (146 MiB for the 8.7 MiB input of a priced 10k-resource plan); 48 leaves room for custom
 * policies (beyond it the module still grows, only slower).
 */
const HEAP_PER_INPUT_BYTE = 48;

/**
 * The decision in its compact form (policies/decision.rego): each rule's settings stated once instead of in every
 * finding, which halves the result of a plan with a finding on most resources. Evaluated in place of
 * tollgate/decision when the bundle has it; readDecision spells its items out.
 */
export const COMPACT_DECISION_ENTRYPOINT = 'tollgate/compact_decision';

/** The entrypoints of a sliced evaluation; a bundle without both is evaluated in one piece. */
export const PLAN_ENTRYPOINT = 'tollgate/plan_decision';
export const SLICE_ENTRYPOINT = 'tollgate/resource_findings';
/**
 * The fields of a resource that plan_decision reads, when the bundle can say (policies/decision.rego): on a sliced
 * plan the whole-plan decision is given the resources narrowed to them. Parsing its input was nine tenths of the
 * whole-plan evaluation (a 40,000-resource plan: 2.1 of 2.4 CPU seconds), and the fields left out (raw planned
 * values, cost sources, transport, names) are 43 % of the resources' text.
 */
export const PLAN_VIEW_ENTRYPOINT = 'tollgate/plan_view';

/**
 * Resources per slice, and the smallest input that is sliced: below it one evaluation is as fast, and
 * admission reviews (one object) never pay for a second entrypoint.
 */
export const SLICE_RESOURCES = 1000;

/**
 * The smallest input whose slices are evaluated on worker threads by default, when no worker was started ahead
 * of it (expectPlan): one per core but this one, which judges the whole plan and then takes slices too. A worker
 * costs about 0.3 s of CPU before its slices are as fast as this thread's (start-up, instantiation, and a first
 * evaluation several times slower than the next, in every thread); the slices of 1,000 resources take 40 to
 * 120 ms each. Measured on 2 idle cores with two workers started with the evaluation, while this thread only
 * judged the whole plan: 10,000 resources gained no wall time and cost 1 s more CPU and 100 MB more memory;
 * 40,000 gained 6 %, 100,000 gained 12 %.
 */
export const PARALLEL_RESOURCES = 25_000;

/**
 * The smallest plan file that `check` readies the engine for before reading it (expectPlan): the slice workers
 * start, and this thread's instance is made, while the plan is read, normalised and priced. A generated plan of
 * 5,000 resources (2.3 MiB, five slices) on 2 cores: this thread's CPU time 0.83–0.98 → 0.71–0.75 s with a worker,
 * the process's 0.1 s more.
 */
export const EARLY_PLAN_BYTES = 2 * 1024 * 1024;

/**
 * The prepared input is at most about twice the plan file's size (a generated plan of compact resources: 2.1;
 * a real plan, which also holds the prior state and the configuration: a third), so an instance sized for twice
 * the file is big enough without waiting to see the input. Memory never touched costs nothing resident.
 */
const INPUT_PER_PLAN_BYTE = 2;

/** A slice's input the workers started ahead of the plan are sized for; a larger one makes them a new instance. */
const EXPECTED_SLICE_BYTES = 8 * 1024 * 1024;

/** The entrypoints of a report evaluated over slices of its billed resources (input.report.usage.resources). */
export const REPORT_ENTRYPOINT = 'tollgate/report_decision';
export const USAGE_SLICE_ENTRYPOINT = 'tollgate/usage_recommendations';

/**
 * Billed resources per slice of a report. opa-wasm's allocator keeps its free blocks in address-ordered lists
 * it walks on every free, so one evaluation slows down as its heap fills: 20,000 recommending resources took
 * 37 s in one piece, ten times 5 s in slices of 2,000.
 */
export const USAGE_SLICE_RESOURCES = 2000;

/**
 * The report's decision over the report view (everything but the per-billed-resource offers, and few billed
 * resources) uses more heap per input byte than HEAP_PER_INPUT_BYTE assumes: most of that input is the anomaly
 * nodes, and TG-ANO-001 works on every judged day of each (about 140 bytes of heap per byte of a first report's
 * anomaly input at 1 million history rows). Its instance is sized for this many times its input; too small, the
 * module grows it a page at a time, which took 8 of 9 CPU seconds at that size.
 */
const REPORT_DECISION_HEAP_SCALE = 4;

/** Many inputs in one evaluation, with constant facts passed once (policies/decision.rego, batched evaluation). */
export const BATCH_ENTRYPOINT = 'tollgate/batch_decisions';

/** The lists a slice's findings add to the whole-plan decision. */
const SLICED_LISTS = ['violations', 'warnings', 'exempted'] as const;

export interface EvaluateOptions {
  /** false: one evaluation whatever the size (what the sliced decision is compared with in tests and benchmarks). */
  readonly slices?: boolean;
  /** Resources per slice (default SLICE_RESOURCES); an input with more is sliced. */
  readonly sliceResources?: number;
  /** Billed resources per slice of a report (default USAGE_SLICE_RESOURCES); a report with more is sliced. */
  readonly usageSliceResources?: number;
  /**
   * Worker threads evaluating a sliced input's slices beside this one: 0 for none. Default: those started ahead
   * of the input (expectPlan), else the environment's TOLLGATE_SLICE_WORKERS, else one per core but this one
   * (usableCores() - 1) when the input has PARALLEL_RESOURCES resources, else none. Given, it applies
   * to any sliced input, however small (tests force workers that way), and workers started ahead are ended.
   */
  readonly workers?: number;
}

interface Entrypoints {
  /** tollgate/compact_decision, or tollgate/decision in a bundle without it. */
  readonly decision: number;
  /** Both, or null when the bundle cannot be evaluated in slices; `view` is null when the bundle has no plan_view. */
  readonly sliced: { readonly plan: number; readonly slice: number; readonly view: number | null } | null;
  /** Both, or null when the bundle cannot evaluate a report in slices; `view` is null when the bundle has no report view. */
  readonly usage: UsageEntrypoints | null;
  /** Null when the bundle has no batch entrypoint: evaluateBatch then evaluates one input at a time. */
  readonly batch: number | null;
}

export function pagesFor(inputBytes: number): number {
  return Math.min(MAX_PAGES, BASE_PAGES + Math.ceil((inputBytes * HEAP_PER_INPUT_BYTE) / WASM_PAGE));
}

/** The entrypoints of a report judged in slices of its billed resources (policies/decision.rego). */
interface UsageEntrypoints {
  readonly report: number;
  readonly slice: number;
  /** report_view and report_view_decision, both or null. */
  readonly view: { readonly keys: number; readonly decision: number } | null;
}

/** Node's WebAssembly global; the ES lib typings in use do not declare it. */
interface WasmApi {
  compile(bytes: Uint8Array): Promise<WasmModule>;
}
const wasmApi = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

export class PolicyEngine {
  private policy: Policy;
  /** Whether `policy` has the data set: the first instance gets it only if it is big enough for an input. */
  private policyHasData = false;
  /** The bundle's plan_view, asked once on the first sliced plan: undefined until then, null when it has none. */
  private planViewFound: PlanView | null | undefined;
  /** Slice workers started ahead of a plan (expectPlan), until an evaluation takes them or stopWorkers. */
  private workersAhead: SliceWorkers | null = null;

  private constructor(
    private readonly module: WasmModule,
    policy: Policy,
    private readonly entrypoints: Entrypoints,
    private readonly data: Record<string, unknown>,
    readonly revision: string,
    readonly rules: readonly RuleDoc[],
    private readonly source: string,
    private readonly batch: BatchSerialiser,
  ) {
    this.policy = policy;
  }

  /**
   * Compiles the bundle's module and instantiates it to read its entrypoints. Its data, the bundle's own
   * data.json with `config` placed at data.tollgate.config and the `preloaded` facts (constant input fields
   * such as the catalog's accelerator offers) at data.tollgate.preloaded, for evaluateBatch to leave out of its
   * inputs, is set in the instance that evaluates the first input: most inputs need a bigger heap than the
   * first instance has, and setting the data twice was wasted.
   */
  static async load(bundle: Bundle, config: Readonly<Record<string, unknown>>, preloaded: PreloadedFacts = {}): Promise<PolicyEngine> {
    let module: WasmModule;
    let policy: Policy;
    try {
      module = await wasmApi.compile(bundle.wasm);
      // The synchronous loader: opa-wasm's asynchronous one tests its argument against the global
      // `Response`, whose first use makes Node load its whole fetch implementation (a tenth of a second).
      policy = loadPolicySync(module, BASE_PAGES);
    } catch (error) {
      const message = errorMessage(error);
      const reason = /ABI/i.test(message)
        ? `its wasm ABI is not supported by this opa-wasm runtime (${message}); rebuild it with a supported OPA`
        : `its policy.wasm cannot be loaded (${message})`;
      throw new TollgateError(`corrupt bundle: ${reason}`, { file: bundle.file });
    }
    const entrypoint = policy.entrypoints[DECISION_ENTRYPOINT];
    if (entrypoint === undefined) {
      const found = Object.keys(policy.entrypoints).join(', ') || 'none';
      throw new TollgateError(
        `bundle has no ${DECISION_ENTRYPOINT} entrypoint (it has: ${found}); build it with -e ${DECISION_ENTRYPOINT}`,
        { file: bundle.file },
      );
    }
    const tollgate = {
      ...((bundle.data.tollgate as Record<string, unknown> | undefined) ?? {}),
      config,
      ...(Object.keys(preloaded).length > 0 ? { preloaded } : {}),
    };
    const data = { ...bundle.data, tollgate };
    const plan = policy.entrypoints[PLAN_ENTRYPOINT];
    const slice = policy.entrypoints[SLICE_ENTRYPOINT];
    const sliced =
      plan === undefined || slice === undefined ? null : { plan, slice, view: policy.entrypoints[PLAN_VIEW_ENTRYPOINT] ?? null };
    const report = policy.entrypoints[REPORT_ENTRYPOINT];
    const usageSlice = policy.entrypoints[USAGE_SLICE_ENTRYPOINT];
    const reportView = policy.entrypoints[REPORT_VIEW_ENTRYPOINT];
    const reportViewDecision = policy.entrypoints[REPORT_VIEW_DECISION_ENTRYPOINT];
    const view = reportView === undefined || reportViewDecision === undefined ? null : { keys: reportView, decision: reportViewDecision };
    const usage = report === undefined || usageSlice === undefined ? null : { report, slice: usageSlice, view };
    const batch = policy.entrypoints[BATCH_ENTRYPOINT] ?? null;
    return new PolicyEngine(
      module,
      policy,
      { decision: policy.entrypoints[COMPACT_DECISION_ENTRYPOINT] ?? entrypoint, sliced, usage, batch },
      data,
      bundle.manifest.revision,
      bundle.rules,
      bundle.file,
      new BatchSerialiser(batch === null ? {} : preloaded),
    );
  }

  /** An instance with at least `pages` of memory: the current one, or a fresh one with the same data. */
  private instanceWith(pages: number): Policy {
    // Up to twice the first instance's memory, growing it is cheaper than a second instance (measured on the
    // demo plan: a second instantiation and its external-memory GC cost more than the few pages grown).
    if (this.policy.mem.buffer.byteLength < pages * WASM_PAGE && pages > SMALL_INPUT_PAGES) {
      // Instantiating an already compiled module is cheap and may be synchronous in Node.
      this.policy = loadPolicySync(this.module, pages);
      this.policyHasData = false;
    }
    if (!this.policyHasData) {
      this.policy.setData(this.data);
      this.policyHasData = true;
    }
    return this.policy;
  }

  /**
   * Readies the engine for a plan whose file has this many bytes, before it is read: for a large one, this
   * thread's instance is made with memory for the input (made later, next to the parsed plan, it cost a full
   * garbage collection of that heap, which V8 runs for the instance's "external memory": 90 to 130 ms at 10,000
   * resources), and the slice workers start, so that their start-up and instantiation overlap reading,
   * normalising and pricing the plan. The next evaluation uses those workers; stopWorkers ends them if none does.
   */
  expectPlan(planFileBytes: number): void {
    if (planFileBytes < EARLY_PLAN_BYTES || this.entrypoints.sliced === null) return;
    const inputBytes = planFileBytes * INPUT_PER_PLAN_BYTE;
    try {
      this.instanceWith(pagesFor(inputBytes));
    } catch {
      // An estimate the machine cannot give memory for (a strict overcommit limit): the evaluation sizes the
      // instance to the input itself, and reports what that meets.
    }
    const workers = workersAhead();
    if (workers > 0 && this.workersAhead === null) {
      this.workersAhead = new SliceWorkers(this.module, this.data, workers, pagesFor(Math.min(inputBytes, EXPECTED_SLICE_BYTES)));
    }
  }

  /** Ends the workers started ahead of a plan that no evaluation has used; safe to call more than once. */
  stopWorkers(): void {
    this.workersAhead?.terminate();
    this.workersAhead = null;
  }

  /**
   * The slice workers of an input with these resources to slice: those started ahead of it (unless the caller
   * asks for a number of its own), else new ones when the input is large enough (workerCount), else none.
   */
  private workersFor(resources: readonly unknown[] | null, sliceSize: number, requested: number | undefined): SliceWorkers | null {
    const ahead = this.workersAhead;
    this.workersAhead = null;
    if (ahead !== null && resources !== null && requested === undefined) return ahead;
    ahead?.terminate();
    const workers = resources === null ? 0 : workerCount(resources.length, sliceSize, requested);
    return workers > 0 ? new SliceWorkers(this.module, this.data, workers, null) : null;
  }

  /**
   * The bundle's plan view (policies/decision.rego, plan_view), evaluated once: the fields of a resource that
   * plan_decision reads, or null when the bundle has none or cannot say (it holds rules or facts of its own).
   */
  planView(): PlanView | null {
    if (this.planViewFound !== undefined) return this.planViewFound;
    const entrypoint = this.entrypoints.sliced?.view ?? null;
    let result: Record<string, unknown> | null = null;
    if (entrypoint !== null) {
      try {
        // Which rules the bundle has does not depend on the input, so an empty one is enough; a fact of its own
        // that only a plan defines is caught after the narrowed evaluation (evaluateSliced).
        result = resultOf(this.instanceWith(BASE_PAGES).evaluate(arrayBufferOf(new TextEncoder().encode('{}')), entrypoint));
      } catch (error) {
        throw this.evaluationFailed(error, 'the policy data is too large');
      }
    }
    this.planViewFound = result === null ? null : planViewOf(result, this.source);
    return this.planViewFound;
  }

  /**
   * Evaluates one input document: in one piece, or in slices when it has more than SLICE_RESOURCES
   * resources and the bundle offers them. The input is serialised once; its sha256 is the decision's input
   * digest either way.
   */
  evaluate(input: unknown, options: EvaluateOptions = {}): Decision {
    const sliceSize = options.sliceResources ?? SLICE_RESOURCES;
    const resources = this.entrypoints.sliced !== null && options.slices !== false ? resourcesToSlice(input, sliceSize) : null;
    const usageSliceSize = options.usageSliceResources ?? USAGE_SLICE_RESOURCES;
    const usage = this.entrypoints.usage !== null && options.slices !== false ? usageToSlice(input, usageSliceSize) : null;
    if (usage !== null && this.entrypoints.usage !== null) return this.evaluateReport(usage, usageSliceSize, this.entrypoints.usage);
    // Started before the serialisation (when not started ahead of the plan), so that their start-up overlaps it.
    const pool = this.workersFor(resources, sliceSize, options.workers);
    let inputDigest: string;
    let resultSet: unknown;
    try {
      const sliced = resources === null ? null : this.entrypoints.sliced;
      if (resources === null || sliced === null) {
        const bytes = new TextEncoder().encode(JSON.stringify(input));
        inputDigest = digestOf(bytes);
        resultSet = this.instanceWith(pagesFor(bytes.byteLength)).evaluate(arrayBufferOf(bytes), this.entrypoints.decision);
      } else {
        // Sliced, each resource is serialised once, for the whole input and for its slice, a slice at a time: the
        // workers evaluate the first slices while this thread writes the rest, then this thread writes the whole-plan
        // decision's input, takes the digest and judges the whole plan.
        const frame = frameOf(input as Record<string, unknown>);
        const job = sliceJobOf(frame, Math.ceil(resources.length / sliceSize), sliced.slice);
        pool?.start(job);
        const runs: Uint8Array[] = [];
        let largestSlice = 0;
        for (let slice = 0; slice < job.slices; slice++) {
          const first = slice * sliceSize;
          const run = encodeResources(resources, first, Math.min(first + sliceSize, resources.length), pool !== null);
          runs.push(run);
          const sliceBytes = sliceInputBytes(job, run);
          largestSlice = Math.max(largestSlice, sliceBytes);
          pool?.add({ index: slice, resources: run, pages: pagesFor(sliceBytes) });
        }
        const view = this.planView();
        // What plan_decision parses: the narrowed resources when the bundle names the fields it reads.
        const planBytes = view === null ? wholeInput(frame, runs) : narrowedInput(frame, resources, view.fields);
        inputDigest = digestOfRuns(frame, runs);
        const policy = this.instanceWith(pagesFor(Math.max(planBytes.byteLength, largestSlice)));
        const whole = view === null ? null : () => wholeInput(frame, runs);
        resultSet = this.evaluateSliced(policy, planBytes, whole, { job, runs }, sliced.plan, pool, view?.facts ?? null);
      }
    } catch (error) {
      // A worker that failed where no input explains it is our bug, reported as such.
      if (error instanceof SliceWorkerError) throw error;
      throw this.evaluationFailed(error, 'the input is too large for one evaluation; split the plan');
    } finally {
      pool?.terminate();
    }
    const decision: PolicyDecision = readDecision(resultSet, this.source);
    return { ...decision, bundleRevision: this.revision, inputDigest };
  }

  /**
   * What an evaluation threw, as the user's error: builtin errors (e.g. a builtin the runtime lacks) surface as
   * thrown strings or Errors, and so does running out of wasm memory, which gets `outOfMemoryHint`.
   */
  private evaluationFailed(error: unknown, outOfMemoryHint: string): TollgateError {
    const message = errorMessage(error);
    const hint = /opa_malloc|memory/i.test(message) ? ` (${outOfMemoryHint})` : '';
    return new TollgateError(`policy evaluation failed: ${message}${hint}`, { file: this.source });
  }

  /**
   * The decisions of many small inputs (admission objects) in one evaluation, in order: each the decision
   * `evaluate` gives that input alone (policies/decision.rego judges each element with its own input). A field
   * whose value is the object preloaded under its name is not serialised again. One wasm call, one JSON
   * parse and one result instead of one each per input: the per-call costs dominate for a single object.
   * With `inputDigests: false` no digest is computed (the webhook never reads one): a digest is a second
   * serialisation and a hash of each input. It is not computed lazily either: a getter of its own on each
   * decision gave every decision a hidden class of its own, which kept the inputs alive until a full collection.
   */
  evaluateBatch(inputs: readonly object[], options?: { readonly inputDigests?: true }): Decision[];
  evaluateBatch(inputs: readonly object[], options: BatchOptions): DecisionWithoutDigest[];
  evaluateBatch(inputs: readonly object[], options: BatchOptions = {}): DecisionWithoutDigest[] {
    if (this.entrypoints.batch === null) return inputs.map((input) => this.evaluate(input));
    if (inputs.length === 0) return [];
    const document = this.batch.document(inputs);
    let results: unknown;
    try {
      // Sized by the document's UTF-16 length, which is its UTF-8 length when it is ASCII (counting its UTF-8 bytes
      // took as long as encoding them); an instance too small for other text grows as it evaluates.
      const policy = this.instanceWith(pagesFor(document.length));
      const resultSet = evaluateText(policy, document, this.entrypoints.batch);
      results = Array.isArray(resultSet) ? (resultSet[0] as { result?: unknown } | undefined)?.result : undefined;
    } catch (error) {
      throw this.evaluationFailed(error, 'the batch is too large for one evaluation; judge fewer inputs at once');
    }
    if (!Array.isArray(results) || results.length !== inputs.length) {
      throw new TollgateError(`the policy's ${BATCH_ENTRYPOINT} gave no decision for each of the ${inputs.length} inputs`, {
        file: this.source,
      });
    }
    const digests = options.inputDigests !== false;
    return results.map((result: unknown, index): DecisionWithoutDigest | Decision => {
      const decided = readDecision([{ result }], this.source);
      if (!digests) return { ...decided, bundleRevision: this.revision };
      return { ...decided, bundleRevision: this.revision, inputDigest: this.batch.inputDigest(inputs[index] ?? {}) };
    });
  }

  /**
   * The whole-plan decision over the whole input (its resources narrowed to the bundle's plan view, when it has
   * one: `planBytes`, and `wholeBytes` gives the whole input should a narrowed decision have to be judged again),
   * then the per-resource findings of each slice, joined into one result set in slice order. A slice's input is the
   * whole input with only its resources: the resources' own text (`runs`) and everything but the resources,
   * serialised once and shared by every slice. With workers (which have every slice already), they evaluate slices
   * while this thread judges the whole plan, and then this thread takes slices too; the first failure in slice
   * order is the error, as if the slices had been evaluated here one after another.
   */
  private evaluateSliced(
    policy: Policy,
    planBytes: Uint8Array,
    wholeBytes: (() => Uint8Array) | null,
    { job, runs }: { readonly job: SliceJob; readonly runs: readonly Uint8Array[] },
    planEntrypoint: number,
    pool: SliceWorkers | null,
    viewFacts: ReadonlySet<string> | null,
  ): unknown {
    let whole = resultOf(policy.evaluate(arrayBufferOf(planBytes), planEntrypoint));
    if (wholeBytes !== null && viewFacts !== null && publishesOtherFacts(whole, viewFacts)) {
      whole = resultOf(policy.evaluate(arrayBufferOf(wholeBytes()), planEntrypoint));
    }
    if (whole === null) return [];
    const joined: Record<string, unknown[]> = {};
    for (const list of SLICED_LISTS) {
      const items = whole[list];
      // Not a list: passed on as it is, for readDecision to refuse.
      if (!Array.isArray(items)) return [{ result: whole }];
      joined[list] = [...(items as unknown[])];
    }
    // The per-resource recommendations (a bundle built before they were sliced has none in its slices), and the
    // savings fact they add to, in whole cents as each part's Rego summed them.
    const recommendations = Array.isArray(whole.recommendations) ? [...(whole.recommendations as unknown[])] : null;
    const facts = isPlainObject(whole.facts) ? whole.facts : null;
    const savings = savingsOf(facts?.savings);
    // The settings of the rules whose compact items each part holds: the same for a rule in every part.
    const rules: Record<string, unknown> = isPlainObject(whole.rules) ? { ...whole.rules } : {};
    let recommended = false;
    const evaluateHere = (index: number): unknown => policy.evaluate(sliceInput(job, runs[index] ?? new Uint8Array(0)), job.entrypoint);
    const outcomes = pool?.collect(job.slices, evaluateHere) ?? null;
    for (let index = 0; index < job.slices; index++) {
      const outcome = outcomes === null ? { result: evaluateHere(index) } : outcomes[index];
      if (outcome === undefined) throw new SliceWorkerError(`slice ${index} of ${job.slices} was never evaluated`);
      if ('error' in outcome) throw outcome.error;
      const sliceResult = resultOf(outcome.result);
      for (const list of SLICED_LISTS) {
        const items = sliceResult?.[list];
        // A slice whose findings are not a list is passed on as is, for readDecision to refuse.
        if (!Array.isArray(items)) return [{ result: { ...whole, [list]: items } }];
        for (const item of items as unknown[]) joined[list]?.push(item);
      }
      if (isPlainObject(sliceResult?.rules)) Object.assign(rules, sliceResult.rules);
      if (sliceResult !== null && 'recommendations' in sliceResult) {
        const items = sliceResult.recommendations;
        const added = savingsOf(sliceResult.savings);
        // A slice's recommendations not a list: passed on, for readDecision to refuse.
        if (!Array.isArray(items)) return [{ result: { ...whole, recommendations: items } }];
        if (added === null || recommendations === null || savings === null) {
          throw new TollgateError(
            `the policy's ${SLICE_ENTRYPOINT} and ${PLAN_ENTRYPOINT} do not state the recommendations and savings to join`,
            { file: this.source },
          );
        }
        recommendations.push(...(items as unknown[]));
        savings.recommendations += added.recommendations;
        savings.cents += added.cents;
        recommended = true;
      }
    }
    if (!recommended || recommendations === null || savings === null) return [{ result: { ...whole, ...joined, rules } }];
    const joinedFacts = { ...facts, savings: { recommendations: savings.recommendations, monthly_savings_usd: savings.cents / 100 } };
    return [{ result: { ...whole, ...joined, rules, recommendations, facts: joinedFacts } }];
  }

  /**
   * A report with many billed resources: serialised once (each billed resource's text, and the input's and a slice's
   * text around them), its digest taken of those texts, then evaluateUsageSliced. The whole input's bytes are
   * written only if report_decision cannot be given the report view.
   */
  private evaluateReport(usage: ReportParts, sliceSize: number, entrypoints: UsageEntrypoints): Decision {
    const texts = reportTexts(usage);
    const inputDigest = reportDigest(texts);
    let resultSet: unknown;
    try {
      resultSet = this.evaluateUsageSliced(usage, texts, sliceSize, entrypoints);
    } catch (error) {
      throw this.evaluationFailed(error, 'the input is too large for one evaluation; split the plan');
    }
    const decision: PolicyDecision = readDecision(resultSet, this.source);
    return { ...decision, bundleRevision: this.revision, inputDigest };
  }

  /**
   * The decision without the per-billed-resource recommendations (report_decision: over the report view when the
   * bundle has one and it covers the input, else over the whole input), then those recommendations over each slice
   * of the billed resources (usage_recommendations), appended, with the counts and cents each slice's Rego added to
   * the savings fact. Each evaluation runs in an instance sized to its own input: the whole input's is the largest,
   * and is parsed only when the view cannot be used.
   */
  private evaluateUsageSliced(usage: ReportParts, texts: ReportTexts, sliceSize: number, entrypoints: UsageEntrypoints): unknown {
    const evaluate = (bytes: Uint8Array, entrypoint: number, heapScale = 1): Record<string, unknown> | null =>
      resultOf(this.instanceWith(pagesFor(bytes.byteLength * heapScale)).evaluate(arrayBufferOf(bytes), entrypoint));
    const view = entrypoints.view === null ? null : this.reportViewOfParts(usage, entrypoints.view.keys);
    let whole: Record<string, unknown> | null = null;
    if (view !== null && entrypoints.view !== null) {
      const read = texts.resources.filter((_, index) => readOverView(usage.resources[index], view.keys));
      whole = decisionOverView(evaluate(bytesAround(texts.input, read), entrypoints.view.decision, REPORT_DECISION_HEAP_SCALE), view);
    }
    whole ??= evaluate(bytesAround(texts.input, texts.resources), entrypoints.report);
    if (whole === null) return [];
    const recommendations = whole.recommendations;
    const facts = whole.facts as { savings?: { recommendations?: unknown; monthly_savings_usd?: unknown } } | undefined;
    const savings = facts?.savings;
    // Not the expected shape: passed on as it is, for readDecision to refuse.
    if (
      !Array.isArray(recommendations) ||
      typeof savings?.recommendations !== 'number' ||
      typeof savings.monthly_savings_usd !== 'number'
    ) {
      return [{ result: whole }];
    }
    const joined: unknown[] = [...(recommendations as unknown[])];
    let count = savings.recommendations;
    let cents = Math.round(savings.monthly_savings_usd * 100);
    // A slice carries what the per-billed-resource rules read (the context, the currency, the usage), not the
    // report's spend series, anomaly history or showback, which would be parsed again for every slice.
    for (let start = 0; start < texts.resources.length; start += sliceSize) {
      const result = evaluate(bytesAround(texts.slice, texts.resources.slice(start, start + sliceSize)), entrypoints.slice);
      const items = result?.recommendations;
      const added = result?.savings as { recommendations?: unknown; monthly_savings_usd?: unknown } | undefined;
      if (!Array.isArray(items) || typeof added?.recommendations !== 'number' || typeof added.monthly_savings_usd !== 'number') {
        return [{ result: { ...whole, recommendations: items } }];
      }
      joined.push(...(items as unknown[]));
      count += added.recommendations;
      cents += Math.round(added.monthly_savings_usd * 100);
    }
    const joinedFacts = { ...(facts ?? {}), savings: { recommendations: count, monthly_savings_usd: cents / 100 } };
    return [{ result: { ...whole, recommendations: joined, facts: joinedFacts } }];
  }

  /**
   * The bundle's report view for a report input (policies/decision.rego, report_view): the billed resources
   * report_decision reads when the report is judged in slices. Null when the input is no report with billed
   * resources, or the bundle cannot say (it has no report view, or holds rules or facts of its own).
   */
  reportView(input: unknown): ReportView | null {
    const parts = reportPartsOf(input);
    const entrypoint = this.entrypoints.usage?.view?.keys;
    if (parts === null || entrypoint === undefined) return null;
    try {
      return this.reportViewOfParts(parts, entrypoint);
    } catch (error) {
      if (error instanceof TollgateError) throw error;
      throw this.evaluationFailed(error, 'the input is too large for one evaluation; split the plan');
    }
  }

  /**
   * report_view over the input without its report, or null when the bundle cannot say or the usage does not state
   * its per-provider sums, without which billing_usage sums the commitment coverage over every billed resource.
   */
  private reportViewOfParts(usage: ReportParts, entrypoint: number): ReportView | null {
    const { providers } = usage.usage;
    if (!isPlainObject(providers)) return null;
    const bytes = new TextEncoder().encode(JSON.stringify(reportViewInput(usage.input)));
    const result = resultOf(this.instanceWith(pagesFor(bytes.byteLength)).evaluate(arrayBufferOf(bytes), entrypoint));
    return result === null ? null : reportViewOf(result, this.source);
  }
}

/** A plan_view's resource_fields, {field: true or [keys]}, as a view; a bundle giving anything else is refused. */
function planViewOf(result: Record<string, unknown>, source: string): PlanView {
  const { resource_fields: fields, facts } = result;
  const view = new Map<string, true | ReadonlySet<string>>();
  if (isPlainObject(fields)) {
    for (const [field, keys] of Object.entries(fields)) {
      if (keys === true) view.set(field, true);
      else if (Array.isArray(keys) && keys.every((key) => typeof key === 'string')) view.set(field, new Set(keys));
    }
  }
  if (
    !isPlainObject(fields) ||
    view.size !== Object.keys(fields).length ||
    !Array.isArray(facts) ||
    !facts.every((f) => typeof f === 'string')
  ) {
    throw new TollgateError(`the policy's ${PLAN_VIEW_ENTRYPOINT} is not {"resource_fields": {field: true or [keys]}, "facts": [names]}`, {
      file: source,
    });
  }
  return { fields: view, facts: new Set(facts) };
}

/** A report input whose billed resources are worth slicing, split where the slices and the report view take it apart; or null. */
function usageToSlice(input: unknown, sliceSize: number): ReportParts | null {
  const parts = reportPartsOf(input);
  return parts !== null && parts.resources.length > sliceSize ? parts : null;
}

/** A report input with billed resources, split where the slices and the report view take it apart; or null. */
function reportPartsOf(input: unknown): ReportParts | null {
  const whole = isPlainObject(input) ? input : null;
  const report = isPlainObject(whole?.report) ? whole.report : null;
  const usage = isPlainObject(report?.usage) ? report.usage : null;
  if (whole?.subject !== 'report' || report === null || usage === null) return null;
  const resources = usage.resources;
  return Array.isArray(resources) ? { input: whole, report, usage, resources } : null;
}

/** The fields of a resource that plan_decision reads: kept whole (true), or only these keys of an object. */
export type ResourceView = ReadonlyMap<string, true | ReadonlySet<string>>;

/** A bundle's plan_view: the resource fields plan_decision reads, and the facts it may publish. */
export interface PlanView {
  readonly fields: ResourceView;
  /** A narrowed decision publishing another fact came from a rule of the bundle's own: judged again, whole. */
  readonly facts: ReadonlySet<string>;
}

/** The resource with only the fields of the view (as a list, walked by index), or the value itself when it is not an object. */
function narrowed(resource: unknown, fields: ReadonlyArray<readonly [string, true | ReadonlySet<string>]>): unknown {
  if (!isPlainObject(resource)) return resource;
  const kept: Record<string, unknown> = {};
  // eslint-disable-next-line @typescript-eslint/prefer-for-of -- once per resource: for...of walks an iterator object until V8 has optimised this
  for (let i = 0; i < fields.length; i++) {
    const [field, keys] = fields[i] ?? ['', true];
    if (!Object.hasOwn(resource, field)) continue;
    const value = resource[field];
    kept[field] = keys === true || !isPlainObject(value) ? value : picked(value, keys);
  }
  return kept;
}

/**
 * The object with only these keys, in its own order. A loop, not entries filtered into a new object: narrowing every
 * resource that way was a third of the time the narrowed input took to write (10,000 resources: 65 of 180 ms).
 */
function picked(value: Record<string, unknown>, keys: ReadonlySet<string>): Record<string, unknown> {
  const kept: Record<string, unknown> = {};
  for (const key in value) if (keys.has(key) && Object.hasOwn(value, key)) kept[key] = value[key];
  return kept;
}

/**
 * The input's UTF-8 bytes with each resource narrowed to the plan view: the same members, in the same order. The
 * narrowed resources are serialised by one JSON.stringify of their list, not one each and joined, and encoded by
 * Buffer.from (100,000 resources: 690 → 520 ms).
 */
function narrowedInput(frame: InputFrame, resources: readonly unknown[], view: ResourceView): Uint8Array {
  const fields = [...view];
  const list: unknown[] = new Array<unknown>(resources.length);
  for (let i = 0; i < resources.length; i++) list[i] = narrowed(resources[i], fields);
  const planResources = `"resources":${JSON.stringify(list)}`;
  return Buffer.from(
    `{${frame.members.map((member, index) => (index === frame.resourcesIndex ? planResources : member)).join(',')}}`,
    'utf8',
  );
}

/** The decision's input digest: the sha256 of the input's bytes. */
function digestOf(bytes: Uint8Array): string {
  return `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
}

/** What every slice of an input shares: `{"resources":[` before its resources, the other members after them. */
function sliceJobOf(frame: InputFrame, slices: number, entrypoint: number): SliceJob {
  const encoder = new TextEncoder();
  return {
    slices,
    head: encoder.encode('{"resources":['),
    tail: encoder.encode(frame.rest === '' ? ']}' : `],${frame.rest}}`),
    entrypoint,
  };
}

/** How many workers evaluate the slices of an input with this many resources (EvaluateOptions.workers). */
function workerCount(resources: number, sliceSize: number, requested: number | undefined): number {
  const slices = Math.ceil(resources / sliceSize);
  const chosen = requested ?? workersFromEnvironment();
  if (chosen !== undefined) return Math.max(0, Math.min(Math.floor(chosen), slices));
  return resources >= PARALLEL_RESOURCES ? Math.min(otherCores(), slices) : 0;
}

/** How many workers to start ahead of a large plan: TOLLGATE_SLICE_WORKERS, else one per core but this one. */
function workersAhead(): number {
  return workersFromEnvironment() ?? otherCores();
}

/**
 * The cores beside this thread's: it takes slices too once it has judged the whole plan, so a second worker on two
 * cores would only compete with it (100,000 resources, few findings: 14.5 → 13.3 s of CPU with one worker). A CI
 * container's CPU limit counts: a runner limited to two CPUs on a large node gets one worker, not one per node core.
 */
function otherCores(): number {
  return usableCores() - 1;
}

/**
 * TOLLGATE_SLICE_WORKERS: the slice workers of every sliced input (0: none), in place of the default. On a
 * runner whose cores are busy with other jobs, workers only add their start-up to the CPU time.
 */
export const SLICE_WORKERS_VARIABLE = 'TOLLGATE_SLICE_WORKERS';

function workersFromEnvironment(): number | undefined {
  const value = process.env[SLICE_WORKERS_VARIABLE];
  if (value === undefined || value === '') return undefined;
  if (!/^\d{1,3}$/.test(value)) {
    throw new TollgateError(`${SLICE_WORKERS_VARIABLE} must be a number of worker threads, 0 for none (got "${value}")`);
  }
  return Number(value);
}

/** The resources of an input worth slicing, or null. */
function resourcesToSlice(input: unknown, sliceSize: number): readonly unknown[] | null {
  if (input === null || typeof input !== 'object' || Array.isArray(input)) return null;
  const resources = (input as { resources?: unknown }).resources;
  return Array.isArray(resources) && resources.length > sliceSize ? resources : null;
}

/** The savings fact's figures (facts.savings, or what a slice adds to it) with the amount in whole cents; null when not numbers. */
function savingsOf(value: unknown): { recommendations: number; cents: number } | null {
  if (!isPlainObject(value)) return null;
  const { recommendations, monthly_savings_usd: usd } = value;
  return typeof recommendations === 'number' && typeof usd === 'number' ? { recommendations, cents: Math.round(usd * 100) } : null;
}

/** Whether a decision publishes a fact the plan view does not list (one computed by a policy of the bundle's own). */
function publishesOtherFacts(result: Record<string, unknown> | null, facts: ReadonlySet<string>): boolean {
  const published = result?.facts;
  return isPlainObject(published) && Object.keys(published).some((name) => !facts.has(name));
}

/** The `result` of a result set, or null when the entrypoint was undefined for the input. */
function resultOf(resultSet: unknown): Record<string, unknown> | null {
  if (!Array.isArray(resultSet) || resultSet.length === 0) return null;
  const first: unknown = resultSet[0];
  const result = first !== null && typeof first === 'object' ? (first as { result?: unknown }).result : undefined;
  return result !== null && typeof result === 'object' && !Array.isArray(result) ? (result as Record<string, unknown>) : null;
}

/** The bytes as an ArrayBuffer of their own (what opa-wasm takes as ready JSON), without a copy when they are one. */
function arrayBufferOf(bytes: Uint8Array): ArrayBuffer {
  const { buffer } = bytes;
  if (buffer instanceof ArrayBuffer && bytes.byteOffset === 0 && bytes.byteLength === buffer.byteLength) return buffer;
  return buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
}
