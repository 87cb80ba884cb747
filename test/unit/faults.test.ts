import { describe, expect, it } from 'vitest';
import { FaultInjector, type FaultDecision, type FaultPlan } from '../../electron/server/faults.js';
import { faultError } from '../../electron/server/http/fault-responses.js';

/** A plan where every kind of decision is likely enough to show up in a short run. */
const mixedPlan = (seed: number): FaultPlan => ({
  seed,
  routes: {
    '*': {
      latencyMs: [0, 1000],
      errorRate: 0.2,
      throttleRate: 0.2,
      resetRate: 0.2,
      expireRate: 0.2,
      retryAfterSeconds: 2,
    },
  },
});

const draw = (injector: FaultInjector, route: string, count: number): FaultDecision[] =>
  Array.from({ length: count }, () => injector.decide(route));

const kinds = (decisions: FaultDecision[]): string[] => decisions.map((decision) => decision.action.kind);

describe('FaultInjector: repeatable draws', () => {
  it('gives the same decision sequence for the same seed', () => {
    const first = draw(new FaultInjector(mixedPlan(42)), 'alloy.list', 200);
    const second = draw(new FaultInjector(mixedPlan(42)), 'alloy.list', 200);
    expect(second).toEqual(first);
    // A constant answer would pass the equality above: the run must actually vary.
    expect(new Set(kinds(first))).toEqual(new Set(['none', 'error', 'throttle', 'reset', 'expire']));
    expect(new Set(first.map((decision) => decision.latencyMs)).size).toBeGreaterThan(50);
  });

  it('gives different sequences for different seeds', () => {
    const one = draw(new FaultInjector(mixedPlan(1)), 'alloy.list', 100);
    const two = draw(new FaultInjector(mixedPlan(2)), 'alloy.list', 100);
    expect(kinds(two)).not.toEqual(kinds(one));
    expect(two.map((decision) => decision.latencyMs)).not.toEqual(one.map((decision) => decision.latencyMs));
  });

  it('draws each route from its own stream, whatever the interleaving', () => {
    const routes = ['alloy.list', 'object.put', 'owui.upload'];
    const alone = new Map(routes.map((route) => [route, draw(new FaultInjector(mixedPlan(7)), route, 60)]));

    // Same plan, requests to the three routes interleaved in a scrambled (but fixed) order.
    const mixed = new FaultInjector(mixedPlan(7));
    const seen = new Map<string, FaultDecision[]>(routes.map((route) => [route, []]));
    const order: string[] = [];
    for (let index = 0; index < 60; index++) order.push(...routes);
    for (let index = order.length - 1; index > 0; index--) {
      const swap = (index * 7919 + 13) % (index + 1);
      [order[index], order[swap]] = [order[swap] as string, order[index] as string];
    }
    for (const route of order) seen.get(route)?.push(mixed.decide(route));

    for (const route of routes) expect(seen.get(route)).toEqual(alone.get(route));
    // Seeded by the route name too: two routes do not replay the same sequence.
    expect(kinds(alone.get('alloy.list') ?? [])).not.toEqual(kinds(alone.get('object.put') ?? []));
  });

  it('restarts every stream when a plan is set again', () => {
    const injector = new FaultInjector(mixedPlan(9));
    const before = draw(injector, 'composio.list', 30);
    injector.set(mixedPlan(9));
    expect(draw(injector, 'composio.list', 30)).toEqual(before);
  });

  it('hits each rate roughly as often as asked', () => {
    const injector = new FaultInjector({
      seed: 3,
      routes: { 'object.put': { errorRate: 0.3, resetRate: 0.1 } },
    });
    const decisions = kinds(draw(injector, 'object.put', 4000));
    const share = (kind: string): number =>
      decisions.filter((found) => found === kind).length / decisions.length;
    expect(share('error')).toBeGreaterThan(0.26);
    expect(share('error')).toBeLessThan(0.34);
    expect(share('reset')).toBeGreaterThan(0.07);
    expect(share('reset')).toBeLessThan(0.13);
    expect(share('throttle')).toBe(0);
  });

  it('keeps latency within [min, max] and uses a fixed number as is', () => {
    const ranged = draw(
      new FaultInjector({ seed: 5, routes: { '*': { latencyMs: [10, 20] } } }),
      'owui.get',
      300,
    );
    const latencies = ranged.map((decision) => decision.latencyMs);
    expect(Math.min(...latencies)).toBeGreaterThanOrEqual(10);
    expect(Math.max(...latencies)).toBeLessThanOrEqual(20);
    expect(new Set(latencies).size).toBeGreaterThan(5);
    const fixed = draw(new FaultInjector({ seed: 5, routes: { '*': { latencyMs: 15 } } }), 'owui.get', 20);
    expect(new Set(fixed.map((decision) => decision.latencyMs))).toEqual(new Set([15]));
  });
});

describe('FaultInjector: which rule applies', () => {
  it('is off without a plan', () => {
    const injector = new FaultInjector();
    expect(injector.active).toBe(false);
    expect(injector.decide('alloy.list')).toEqual({ latencyMs: 0, action: { kind: 'none' } });
    injector.set({ seed: 1, routes: { '*': { errorRate: 1 } } });
    expect(injector.active).toBe(true);
    expect(injector.decide('alloy.list').action.kind).toBe('error');
    injector.set(null);
    expect(injector.active).toBe(false);
    expect(injector.decide('alloy.list')).toEqual({ latencyMs: 0, action: { kind: 'none' } });
  });

  it('leaves routes no rule names alone', () => {
    const injector = new FaultInjector({ seed: 1, routes: { 'object.*': { errorRate: 1, latencyMs: 50 } } });
    expect(injector.decide('alloy.list')).toEqual({ latencyMs: 0, action: { kind: 'none' } });
    expect(injector.decide('object.get')).toEqual({ latencyMs: 50, action: { kind: 'error', status: 500 } });
    // `object.*` is a prefix up to the dot, not a substring match.
    expect(injector.decide('objects.put').action.kind).toBe('none');
  });

  it('applies `*`, then `prefix.*`, then the exact name, field by field', () => {
    // Listed most specific first, so the object's key order cannot be what decides.
    const injector = new FaultInjector({
      seed: 11,
      routes: {
        'alloy.list': { throttleRate: 0 },
        'alloy.*': { errorRate: 0, throttleRate: 1, retryAfterSeconds: 3 },
        '*': { latencyMs: 5, errorRate: 1, errorStatus: 503 },
      },
    });
    // Only `*`: its error.
    expect(injector.decide('owui.list')).toEqual({ latencyMs: 5, action: { kind: 'error', status: 503 } });
    // `alloy.*` overrides the error rate and adds throttling; the latency still comes from `*`.
    expect(injector.decide('alloy.delete')).toEqual({
      latencyMs: 5,
      action: { kind: 'throttle', retryAfterSeconds: 3 },
    });
    // The exact rule turns throttling off again; nothing else is set, so no fault but the latency.
    expect(injector.decide('alloy.list')).toEqual({ latencyMs: 5, action: { kind: 'none' } });
  });

  it('does not let a field given as undefined erase a less specific rule', () => {
    const injector = new FaultInjector({
      seed: 1,
      routes: { '*': { errorRate: 1 }, 'alloy.list': { errorRate: undefined, latencyMs: 1 } },
    });
    expect(injector.decide('alloy.list')).toEqual({ latencyMs: 1, action: { kind: 'error', status: 500 } });
  });

  it('stops faulting a route after its limit, per route, until a plan is set again', () => {
    const plan: FaultPlan = { seed: 1, routes: { 'object.*': { corruptRate: 1, limit: 1 } } };
    const injector = new FaultInjector(plan);
    expect(kinds(draw(injector, 'object.put-part', 3))).toEqual(['corrupt', 'none', 'none']);
    expect(kinds(draw(injector, 'object.put', 2))).toEqual(['corrupt', 'none']);
    injector.set(plan);
    expect(kinds(draw(injector, 'object.put-part', 2))).toEqual(['corrupt', 'none']);
  });

  it('rejects plans that are not plans', () => {
    const injector = new FaultInjector();
    const bad: unknown[] = [
      { routes: {} },
      { seed: 1.5, routes: {} },
      { seed: 1, routes: { '*': { errorRate: 2 } } },
      { seed: 1, routes: { '*': { errorStatus: 404 } } },
      { seed: 1, routes: { '*': { latencyMs: -1 } } },
      { seed: 1, routes: { '*': { resetrate: 0.5 } } },
      { seed: 1, routes: { '*': { limit: -1 } } },
      { seed: 1, routes: {}, extra: true },
    ];
    for (const plan of bad) expect(() => injector.set(plan as FaultPlan), JSON.stringify(plan)).toThrow();
    expect(injector.active).toBe(false);
  });
});

describe('faultError: what a decision answers', () => {
  it('turns an error into the configured status', () => {
    const error = faultError({ kind: 'error', status: 503 }, 'alloy.list');
    expect(error).toMatchObject({ status: 503, code: 'INJECTED_FAULT' });
  });

  it('turns a throttle into 429 with Retry-After', () => {
    const error = faultError({ kind: 'throttle', retryAfterSeconds: 4 }, 'composio.list');
    expect(error).toMatchObject({ status: 429, headers: { 'retry-after': '4' } });
  });

  it('expires presigned URLs only', () => {
    expect(faultError({ kind: 'expire' }, 'object.put')).toMatchObject({
      status: 403,
      code: 'AccessDenied',
      message: 'Request has expired',
    });
    expect(faultError({ kind: 'expire' }, 'alloy.list')).toBeNull();
  });

  it('answers nothing for no fault or a reset (the connection is cut instead)', () => {
    expect(faultError({ kind: 'none' }, 'alloy.list')).toBeNull();
    expect(faultError({ kind: 'reset' }, 'alloy.list')).toBeNull();
  });
});
