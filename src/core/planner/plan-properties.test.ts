import fc from "fast-check";
import semver from "semver";
import { describe, expect, it } from "vitest";
import type { DocumentOf } from "../documents/document-kinds.js";
import type { ReleaseChange } from "../documents/kinds/release.js";
import { planRelease } from "./plan-release.js";
import { checkPlanSafety, resolveSafetyFleet, type StateViolation, stateViolations } from "./plan-safety.js";
import type { PlanInput } from "./planning-fleet.js";
import type { PlanConflict } from "./release-plan.js";

const NAMES = ["s0", "s1", "s2", "s3", "s4", "s5", "s6", "s7"];
const APIS = ["a-api", "b-api", "c-api"];
const VERSIONS = ["1.0.0", "1.5.0", "2.0.0", "3.0.0"];
const RANGES = ["^1.0.0", "^1.5.0", "^2.0.0", ">=1.5.0", "1.x || 2.x", "^3.0.0", "*", ">=2.0.0 <4"];

const migrations = fc.subarray([
  { name: "V1__add_col", phase: "expand" as const },
  { name: "V2__backfill", phase: "migrate" as const },
  { name: "V3__drop_col", phase: "contract" as const },
]);
const apis = fc.subarray(APIS, { maxLength: 2 });
const pick = <T>(list: readonly T[], choice: number): T | undefined => list[choice % list.length];

const draft = fc.record({
  tier: fc.integer({ min: 0, max: 3 }),
  serves: apis,
  needs: apis,
  version: fc.nat(),
  dependsOn: fc.option(fc.constantFrom(...NAMES), { freq: 8 }),
  stagingVersion: fc.option(fc.constantFrom("0.9.0", "9.0.0"), { freq: 4 }),
  change: fc.option(
    fc.record({
      serves: fc.constantFrom("unchanged", "same", "add", "add", "replace", "replace", "drop"),
      version: fc.nat(),
      needs: fc.constantFrom("unchanged", "fits", "random"),
      migrations: fc.option(migrations, { freq: 2 }),
    }),
    { freq: 2 },
  ),
});

type Draft = typeof draft extends fc.Arbitrary<infer T> ? T : never;
type Served = { api: string; version: string }[];

/** Ranges that every listed provider satisfies (mostly), or any range (sometimes): fleets that are
 * consistent before and after the release often enough to plan, yet break in between. */
function rangesFor(needs: readonly string[], served: readonly Served[], choices: () => number) {
  return needs.flatMap((api) => {
    const offered = served
      .map((list) => list.filter((p) => p.api === api).map((p) => p.version))
      .filter((v) => v.length > 0);
    const fits = RANGES.filter((r) =>
      offered.every((versions) => versions.some((v) => semver.satisfies(v, r))),
    );
    const choice = choices();
    if (offered.length === 0 && choice % 4 !== 0) return [];
    return [
      {
        api,
        range: (choice % 6 === 0 || fits.length === 0 ? pick(RANGES, choice) : pick(fits, choice)) ?? "*",
      },
    ];
  });
}

function changedServes(d: Draft, current: Served): Served | undefined {
  const change = d.change;
  if (change === null) return current;
  const next = pick(VERSIONS, change.version) ?? "1.0.0";
  switch (change.serves) {
    case "unchanged":
      return undefined;
    case "same":
      return current;
    case "add":
      return [
        ...current,
        ...current.filter((p) => p.version !== next).map((p) => ({ api: p.api, version: next })),
      ];
    case "replace":
      return current.map((p) => ({ api: p.api, version: next }));
    case "drop":
      return [];
  }
}

/** Random fleets of 2–n services over three APIs and a release that moves some of them. */
const fleets = (maxServices: number) =>
  fc
    .record({
      drafts: fc.array(draft, { minLength: 2, maxLength: maxServices }),
      choices: fc.array(fc.nat(), { minLength: 32, maxLength: 32 }),
      maxParallel: fc.option(fc.integer({ min: 1, max: 3 }), { freq: 3 }),
      rollbackWindow: fc.option(fc.constantFrom("1h", "30m"), { freq: 2 }),
    })
    .map(({ drafts, choices, maxParallel, rollbackWindow }): PlanInput => {
      let next = 0;
      const choose = () => choices[next++ % choices.length] ?? 0;
      const names = NAMES.slice(0, drafts.length);
      const moving = drafts.map(
        (d, i) => d.change !== null || (i === 0 && drafts.every((x) => x.change === null)),
      );
      const current = drafts.map((d) =>
        d.serves.map((api) => ({ api, version: pick(VERSIONS, d.version) ?? "1.0.0" })),
      );
      const after = drafts.map((d, i) => (moving[i] ? changedServes(d, current[i] ?? []) : undefined));
      const final = after.map((a, i) => a ?? current[i] ?? []);
      const providersOf = (list: readonly Served[], api: string) =>
        list.filter((l) => l.some((p) => p.api === api));
      const needsNow = drafts.map((d) =>
        rangesFor(
          d.needs,
          d.needs.flatMap((api) => providersOf(current, api)),
          choose,
        ),
      );
      const services = drafts.map(
        (d, i): DocumentOf<"Service"> => ({
          apiVersion: "upshift.dev/v1alpha1",
          kind: "Service",
          metadata: { name: names[i] ?? "x" },
          spec: {
            version: "1.0.0",
            tier: d.tier,
            provides: current[i] ?? [],
            requires: needsNow[i] ?? [],
            ...(d.dependsOn !== null && names.includes(d.dependsOn) && d.dependsOn !== names[i]
              ? { dependsOn: [d.dependsOn] }
              : {}),
            ...(d.stagingVersion ? { environments: { staging: { version: d.stagingVersion } } } : {}),
          },
        }),
      );
      const changes = drafts.flatMap((d, i): ReleaseChange[] => {
        if (!moving[i]) return [];
        const mode = d.change?.needs ?? "unchanged";
        const needs =
          mode === "unchanged"
            ? undefined
            : mode === "fits"
              ? rangesFor(
                  d.needs,
                  d.needs.flatMap((api) => providersOf(final, api)),
                  choose,
                )
              : d.needs.map((api) => ({ api, range: pick(RANGES, choose()) ?? "*" }));
        const serves = after[i];
        return [
          {
            service: names[i] ?? "x",
            version: "9.0.0",
            ...(serves === undefined || d.change?.serves === "unchanged" ? {} : { provides: serves }),
            ...(needs === undefined ? {} : { requires: needs }),
            ...(d.change?.migrations ? { migrations: d.change.migrations } : {}),
          },
        ];
      });
      return {
        services,
        release: {
          apiVersion: "upshift.dev/v1alpha1",
          kind: "Release",
          metadata: { name: "r" },
          spec: {
            environments: ["staging", "prod"],
            changes,
            ...(maxParallel === null ? {} : { maxParallel }),
            ...(rollbackWindow === null ? {} : { rollbackWindow }),
          },
        },
      };
    });

/**
 * Exhaustive search over rollout orders, from the rule alone: the fewest waves (shortest path
 * over sets of services already moved), or undefined when no order is safe. A wave T after the
 * set `done` is safe when dependsOn holds and the state (done new, T mixed, rest old) is safe.
 */
function bruteForceWaves(
  input: PlanInput,
  env: string,
  counts: (v: StateViolation) => boolean = () => true,
): number | undefined {
  const fleet = resolveSafetyFleet(input, env);
  const moving = fleet.filter((s) => s.new !== undefined).map((s) => s.name);
  const bit = new Map(moving.map((name, i) => [name, 1 << i]));
  const safe = (phase: (name: string) => "old" | "mixed" | "new") =>
    !stateViolations(fleet, phase).some(counts);
  if (!safe(() => "old") || !safe(() => "new")) return undefined;
  const full = (1 << moving.length) - 1;
  const depsOf = (name: string) =>
    (fleet.find((s) => s.name === name)?.dependsOn ?? []).reduce((m, d) => m | (bit.get(d) ?? 0), 0);
  const distance = new Map<number, number>([[0, 0]]);
  const queue = [0];
  for (let head = 0; head < queue.length; head++) {
    const done = queue[head] ?? 0;
    for (let wave = full & ~done; wave > 0; wave = (wave - 1) & full & ~done) {
      const ready = moving.every((n) => !((bit.get(n) ?? 0) & wave) || (depsOf(n) & ~done) === 0);
      if (!ready || distance.has(done | wave)) continue;
      const phase = (n: string) =>
        (bit.get(n) ?? 0) & done ? "new" : (bit.get(n) ?? 0) & wave ? "mixed" : "old";
      if (!safe(phase)) continue;
      distance.set(done | wave, (distance.get(done) ?? 0) + 1);
      queue.push(done | wave);
    }
  }
  return distance.get(full);
}

/**
 * Whether a violation is one of the conflict's own: a requirement item names its consumer, API,
 * range and provider (or a provider outside the conflict, or none, when nobody serves the API).
 * Other providers of the API stay in the real fleet, so their violations are not the conflict's.
 */
const ownViolation = (conflict: PlanConflict) => (v: StateViolation) =>
  conflict.requirements.some(
    (r) =>
      r.consumer === v.consumer &&
      r.api === v.api &&
      r.range === v.range &&
      (v.provider === null
        ? r.provider === null || !conflict.services.includes(r.provider)
        : r.provider === v.provider),
  );

/**
 * The conflict alone as a fleet: its services, each requiring only the conflict's requirements.
 * `without` removes one member: a service name or the index of a requirement.
 */
function conflictAlone(input: PlanInput, conflict: PlanConflict, without?: string | number): PlanInput {
  const services = new Set(conflict.services.filter((s) => s !== without));
  const kept = conflict.requirements.filter((_, i) => i !== without);
  // dependsOn links are members only of the cycles they appear in ("x depends on y").
  const ordersByDependsOn = conflict.message.includes(" depends on ");
  const allowed = (consumer: string) => (need: { api: string; range: string }) =>
    kept.some((r) => r.consumer === consumer && r.api === need.api && r.range === need.range);
  return {
    services: input.services
      .filter((d) => services.has(d.metadata.name))
      .map((d) => ({
        ...d,
        spec: {
          ...d.spec,
          requires: (d.spec.requires ?? []).filter(allowed(d.metadata.name)),
          dependsOn: (d.spec.dependsOn ?? []).filter((x) => services.has(x) && ordersByDependsOn),
        },
      })),
    release: {
      ...input.release,
      spec: {
        ...input.release.spec,
        changes: input.release.spec.changes
          .filter((c) => services.has(c.service))
          .map((c) =>
            c.requires === undefined ? c : { ...c, requires: c.requires.filter(allowed(c.service)) },
          ),
      },
    },
  };
}

const rolloutWaves = (input: PlanInput, env: string) =>
  planRelease(input, { environment: env }).environments[0]?.waves.filter((w) =>
    w.steps.some((s) => s.kind === "rollout"),
  ).length ?? 0;

describe("planRelease properties", () => {
  it("emits only plans that pass the independent safety check", () => {
    fc.assert(
      fc.property(fleets(8), (input) => {
        const plan = planRelease(input);
        if (plan.feasible) expect(checkPlanSafety(input, plan)).toEqual([]);
        else expect(plan.conflicts.length + plan.cycles.length).toBeGreaterThan(0);
      }),
      { numRuns: 300 },
    );
  });

  it("agrees with an exhaustive search on feasibility, and on the fewest waves without maxParallel", () => {
    fc.assert(
      fc.property(fleets(7), fc.constantFrom("staging", "prod"), (input, env) => {
        const best = bruteForceWaves(input, env);
        const plan = planRelease(input, { environment: env });
        expect(plan.feasible).toBe(best !== undefined);
        if (best !== undefined && input.release.spec.maxParallel === undefined) {
          expect(rolloutWaves(input, env)).toBe(best);
        }
      }),
      { numRuns: 250 },
    );
  });

  it("reports conflicts that are minimal: each is unsatisfiable and removing any member fixes it", () => {
    fc.assert(
      fc.property(fleets(6), fc.constantFrom("staging", "prod"), (input, env) => {
        const plan = planRelease(input, { environment: env });
        for (const conflict of plan.conflicts) {
          const own = ownViolation(conflict);
          expect(bruteForceWaves(conflictAlone(input, conflict), env, own)).toBeUndefined();
          const members = [...conflict.services, ...conflict.requirements.map((_, i) => i)];
          for (const member of members) {
            const rest = conflictAlone(input, conflict, member);
            const kept = { ...conflict, requirements: conflict.requirements.filter((_, i) => i !== member) };
            expect(bruteForceWaves(rest, env, ownViolation(kept))).toBeDefined();
          }
          expect(conflict.suggestions.length).toBeGreaterThanOrEqual(conflict.requirements.length);
        }
        for (const cycle of plan.cycles) {
          expect(cycle[0]).toBe(cycle[cycle.length - 1]);
          cycle.slice(1).forEach((next, i) => {
            const from = input.services.find((d) => d.metadata.name === cycle[i]);
            expect(from?.spec.dependsOn).toContain(next);
          });
        }
      }),
      { numRuns: 250 },
    );
  });
});
