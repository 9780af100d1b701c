/**
 * When a request is prepared: with its batch, not as it is read (src/webhook/admission-handler.ts), yet with the
 * time it arrived, so its input and decision are the ones it would get if it had been prepared at once; and a
 * request that has waited past the evaluation timeout is denied without being prepared.
 */
import { performance } from 'node:perf_hooks';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { AdmissionHandler, policyInputFor } from '../../src/webhook/admission-handler.js';
import { parseAdmissionReview } from '../../src/webhook/admission-review.js';
import { WebhookMetrics } from '../../src/webhook/metrics.js';
import { PolicyState, type ServedPolicy } from '../../src/webhook/policy-state.js';
import type { PolicyInput } from '../../src/model/resource.js';
import { gpuDeploymentReview } from './reviews.js';

const quiet = { log: (): void => undefined };
const ARRIVED = new Date('2026-03-01T10:00:00.000Z');
const JUDGED = new Date('2026-03-01T10:00:03.000Z');

describe('AdmissionHandler', () => {
  let policy: ServedPolicy;
  beforeAll(async () => {
    policy = await new PolicyState({}, quiet, new WebhookMetrics({ defaultMetrics: false })).load();
  }, 60_000);

  afterEach(() => {
    vi.useRealTimers();
  });

  it('prepares a request with the time it arrived, and gives it the decision of that input', () => {
    const inputs: PolicyInput[] = [];
    const recording: ServedPolicy = {
      ...policy,
      engine: {
        evaluateBatch: (batch: readonly PolicyInput[]) => {
          inputs.push(...batch);
          return policy.engine.evaluateBatch(batch);
        },
      } as unknown as ServedPolicy['engine'],
    };
    const handler = new AdmissionHandler({
      policy: () => recording,
      metrics: new WebhookMetrics({ defaultMetrics: false }),
      logger: quiet,
      evalTimeoutMs: 60_000,
    });
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(ARRIVED);
    const pending = handler.admit(gpuDeploymentReview, performance.now());
    vi.setSystemTime(JUDGED);
    const [answer] = handler.decide([pending]);

    const expected = policyInputFor(parseAdmissionReview(gpuDeploymentReview), policy, ARRIVED);
    expect(inputs).toEqual([expected]);
    const [decision] = policy.engine.evaluateBatch([expected]);
    const response = (answer as { response: { allowed: boolean; status?: { message: string } } }).response;
    expect(decision?.violations.length).toBeGreaterThan(0);
    expect(response.allowed).toBe(false);
    expect(response.status?.message).toContain(decision?.violations[0]?.rule ?? 'no rule');
  });

  it('denies a request that waited past the evaluation timeout without preparing it', () => {
    let settingsRead = 0;
    const watched = Object.defineProperty<ServedPolicy>({ ...policy }, 'settings', {
      get: () => {
        settingsRead += 1;
        return policy.settings;
      },
    });
    const handler = new AdmissionHandler({
      policy: () => watched,
      metrics: new WebhookMetrics({ defaultMetrics: false }),
      logger: quiet,
      evalTimeoutMs: 5,
    });
    const pending = handler.admit(gpuDeploymentReview, performance.now() - 1_000);
    const [answer] = handler.decide([pending]);

    const response = (answer as { response: { allowed: boolean; status?: { message: string } } }).response;
    expect(response.allowed).toBe(false);
    expect(response.status?.message).toMatch(/waited more than the 5 ms evaluation timeout before evaluation/);
    expect(settingsRead).toBe(0);
  });
});
