/**
 * `tollgate audit --interval`: one audit every interval (measured from the start of each run; a run longer
 * than the interval is followed at once by the next), until the signal aborts. A cluster fault fails that run
 * only: it is logged and counted, and the next run tries again. Anything else is a bug and ends the loop.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { isTollgateError } from '../model/errors.js';
import type { AuditMetrics } from './audit-metrics.js';
import type { AuditResult } from './audit-run.js';

export type LoopLog = (level: 'info' | 'error', message: string, fields: Readonly<Record<string, string | number | boolean>>) => void;

export interface AuditLoopOptions {
  readonly intervalMs: number;
  /** One audit, with whatever it writes (outputs, PolicyReports). */
  readonly run: () => Promise<AuditResult>;
  readonly metrics: AuditMetrics;
  readonly log: LoopLog;
  readonly signal: AbortSignal;
  /** The clock (tests pin it). */
  readonly now?: () => Date;
}

export async function runAuditLoop(options: AuditLoopOptions): Promise<void> {
  const now = options.now ?? (() => new Date());
  while (!options.signal.aborted) {
    const started = Date.now();
    try {
      const result = await options.run();
      options.metrics.recordSuccess(result, now());
      options.log('info', 'audit run', {
        cluster: result.cluster,
        objects: result.objects.length,
        violations: result.decision.violations.length,
        warnings: result.decision.warnings.length,
        durationMs: Math.round(result.durationMs),
      });
    } catch (error) {
      if (!isTollgateError(error)) throw error;
      options.metrics.recordFailure();
      options.log('error', 'audit run failed; the next run tries again', { error: error.format() });
    }
    const wait = Math.max(0, options.intervalMs - (Date.now() - started));
    try {
      await sleep(wait, undefined, { signal: options.signal });
    } catch {
      // Aborted while waiting: the loop condition ends it.
    }
  }
}

const UNITS: Readonly<Record<string, number>> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** "30s", "10m", "1h", "1500ms": the --interval between runs; at least one second. */
export function parseInterval(value: string): number | null {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h)$/.exec(value.trim());
  if (!match) return null;
  const ms = Math.round(Number(match[1]) * (UNITS[match[2] ?? ''] ?? NaN));
  return Number.isFinite(ms) && ms >= 1000 ? ms : null;
}
