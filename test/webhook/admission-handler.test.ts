/**
 * When a request is prepared: with its batch, not as it is read (src/webhook/admission-handler.ts), yet with the
 * time it arrived, so its input and decision are the ones it would get if it had been prepared at once; and a
 * request that has waited past the evaluation timeout is denied without being prepared. A response carries no
 * input digest, and none is computed.
 */
import { performance } from 'node:perf_hooks';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { BatchSerialiser } from '../../src/engine/batch-input.js';
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
    vi.restoreAllMocks();
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

  it('hashes no input to answer a batch, alone or judged one by one after a failed batch', () => {
    const hashed = vi.spyOn(BatchSerialiser.prototype, 'inputDigest');
    let batches = 0;
    // The first evaluation of two fails, so that each input is then judged alone.
    const failingFirst: ServedPolicy = {
      ...policy,
      engine: new Proxy(policy.engine, {
        get: (engine, name, receiver) =>
          name === 'evaluateBatch'
            ? (...args: Parameters<typeof engine.evaluateBatch>) => {
                batches += 1;
                if (batches === 1) throw new Error('one input the policy cannot judge');
                return engine.evaluateBatch(...args);
              }
            : (Reflect.get(engine, name, receiver) as unknown),
      }),
    };
    const handler = new AdmissionHandler({
      policy: () => failingFirst,
      metrics: new WebhookMetrics({ defaultMetrics: false }),
      logger: quiet,
      evalTimeoutMs: 60_000,
    });
    const answers = handler.decide([
      handler.admit(gpuDeploymentReview, performance.now()),
      handler.admit(gpuDeploymentReview, performance.now()),
    ]);

    expect(batches).toBe(3);
    expect(answers.map((answer) => (answer as { response: { allowed: boolean } }).response.allowed)).toEqual([false, false]);
    expect(hashed).not.toHaveBeenCalled();
  });
});
