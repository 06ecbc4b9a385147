import semver from "semver";
import { durationSeconds } from "../documents/duration.js";
import type { PlanInput } from "./planning-fleet.js";
import type { EnvironmentPlan, ReleasePlan } from "./release-plan.js";

/**
 * An independent check of issue 3's safety rule, written apart from the planner (no shared
 * model or pairwise shortcut): it walks every state a plan passes through and tests the rule
 * as stated, so that tests can hold the planner to it.
 */

export type SafetyViolationKind =
  | "incompatible"
  | "missing-provider"
  | "rollout-missing"
  | "rollout-unexpected"
  | "rollout-versions"
  | "max-parallel"
  | "depends-on-order"
  | "migration-order"
  | "wave-index";

export interface SafetyViolation {
  readonly kind: SafetyViolationKind;
  readonly environment: string;
  readonly message: string;
}

interface CheckedVersion {
  readonly version: string;
  readonly provides: readonly { api: string; version: string }[];
  readonly requires: readonly { api: string; range: string }[];
}

/** One service as the checker sees it in an environment: its old version and, if it moves, its new one. */
export interface SafetyService {
  readonly name: string;
  readonly old: CheckedVersion;
  readonly new: CheckedVersion | undefined;
  readonly dependsOn: readonly string[];
}

export type ServicePhase = "old" | "mixed" | "new";

/** What runs in `environment` before the release, and what the release moves. */
export function resolveSafetyFleet(input: PlanInput, environment: string): SafetyService[] {
  return input.services.map((doc) => {
    const spec = doc.spec;
    const running = spec.environments?.[environment]?.version ?? spec.version;
    const change = input.release.spec.changes.find((c) => c.service === doc.metadata.name);
    const before = { version: running, provides: spec.provides ?? [], requires: spec.requires ?? [] };
    const after = change && {
      version: change.version,
      provides: change.provides ?? spec.provides ?? [],
      requires: change.requires ?? spec.requires ?? [],
    };
    const moves = after !== undefined && after.version !== running;
    return {
      name: doc.metadata.name,
      old: after !== undefined && !moves ? after : before,
      new: moves ? after : undefined,
      dependsOn: spec.dependsOn ?? [],
    };
  });
}

/** One requirement broken in one state; `provider` null when nobody serves the API at all. */
export interface StateViolation {
  readonly consumer: string;
  readonly consumerVersion: string;
  readonly api: string;
  readonly range: string;
  readonly provider: string | null;
  readonly providerVersion: string | null;
}

/**
 * Violations of the rule in one state: for every running version of every consumer and each of
 * its requirements, every running version of every service that serves the API (in any running
 * version) must serve a version in range; and someone must serve it.
 */
export function stateViolations(
  fleet: readonly SafetyService[],
  phaseOf: (service: string) => ServicePhase,
): StateViolation[] {
  const running = (s: SafetyService): CheckedVersion[] => {
    const phase = s.new === undefined ? "old" : phaseOf(s.name);
    if (phase === "old" || s.new === undefined) return [s.old];
    return phase === "new" ? [s.new] : [s.old, s.new];
  };
  const found: StateViolation[] = [];
  for (const consumer of fleet) {
    for (const cv of running(consumer)) {
      for (const need of cv.requires) {
        const base = { consumer: consumer.name, consumerVersion: cv.version, ...need };
        const providers = fleet.filter((p) =>
          running(p).some((v) => v.provides.some((x) => x.api === need.api)),
        );
        if (providers.length === 0) found.push({ ...base, provider: null, providerVersion: null });
        for (const p of providers) {
          for (const pv of running(p)) {
            if (pv.provides.some((x) => x.api === need.api && semver.satisfies(x.version, need.range)))
              continue;
            found.push({ ...base, provider: p.name, providerVersion: pv.version });
          }
        }
      }
    }
  }
  return found;
}

const describeViolation = (v: StateViolation) =>
  `${v.consumer} ${v.consumerVersion} needs ${v.api} ${v.range}: ${
    v.provider === null ? "nobody serves it" : `${v.provider} ${v.providerVersion} fails it`
  }`;

function checkEnvironment(input: PlanInput, env: EnvironmentPlan): SafetyViolation[] {
  const out: SafetyViolation[] = [];
  const fail = (kind: SafetyViolationKind, message: string) =>
    out.push({ kind, environment: env.name, message });
  const fleet = resolveSafetyFleet(input, env.name);
  const waveOf = new Map<string, number>();
  const rolloutWaves = new Set<number>();
  env.waves.forEach((wave, k) => {
    if (wave.index !== k) fail("wave-index", `wave at position ${k} has index ${wave.index}`);
    const rollouts = wave.steps.filter((s) => s.kind === "rollout");
    const limit = input.release.spec.maxParallel;
    if (limit !== undefined && rollouts.length > limit)
      fail("max-parallel", `wave ${k} rolls out ${rollouts.length} > ${limit}`);
    for (const step of rollouts) {
      const s = fleet.find((x) => x.name === step.service);
      if (waveOf.has(step.service) || s?.new === undefined)
        fail("rollout-unexpected", `${step.service} in wave ${k}`);
      else if (step.from !== s.old.version || step.to !== s.new.version)
        fail("rollout-versions", `${step.service} ${step.from} → ${step.to}`);
      waveOf.set(step.service, k);
      rolloutWaves.add(k);
    }
  });
  for (const s of fleet) {
    if (s.new !== undefined && !waveOf.has(s.name)) fail("rollout-missing", `${s.name} never rolls out`);
    for (const d of s.dependsOn) {
      const [ws, wd] = [waveOf.get(s.name), waveOf.get(d)];
      if (ws !== undefined && wd !== undefined && wd >= ws)
        fail("depends-on-order", `${s.name} before its dependency ${d}`);
    }
  }
  const states: [string, (name: string) => ServicePhase][] = [["before", () => "old"]];
  for (const k of [...rolloutWaves].sort((a, b) => a - b)) {
    states.push([
      `wave ${k}`,
      (n) => ((waveOf.get(n) ?? k) < k ? "new" : waveOf.get(n) === k ? "mixed" : "old"),
    ]);
  }
  states.push(["after", () => "new"]);
  for (const [label, phaseOf] of states) {
    for (const v of stateViolations(fleet, phaseOf)) {
      fail(v.provider === null ? "missing-provider" : "incompatible", `${label}: ${describeViolation(v)}`);
    }
  }
  out.push(...checkMigrations(input, env, waveOf, Math.max(-1, ...rolloutWaves)));
  return out;
}

function checkMigrations(
  input: PlanInput,
  env: EnvironmentPlan,
  waveOf: ReadonlyMap<string, number>,
  lastRollout: number,
): SafetyViolation[] {
  const out: SafetyViolation[] = [];
  const window = input.release.spec.rollbackWindow;
  const windowSeconds = window === undefined ? 0 : durationSeconds(window);
  for (const change of input.release.spec.changes) {
    const rolled = waveOf.get(change.service);
    if (rolled === undefined) continue;
    for (const m of change.migrations ?? []) {
      const expand = m.phase !== "contract";
      const places = env.waves.flatMap((w) =>
        w.steps.flatMap((s, i) =>
          s.kind === (expand ? "migrate-expand" : "migrate-contract") &&
          s.service === change.service &&
          s.migrations.includes(m.name)
            ? [{ wave: w, position: i }]
            : [],
        ),
      );
      const at = places[0];
      const rolloutAt =
        env.waves[rolled]?.steps.findIndex((s) => s.kind === "rollout" && s.service === change.service) ?? -1;
      const ok =
        places.length === 1 &&
        at !== undefined &&
        (expand
          ? at.wave.index < rolled || (at.wave.index === rolled && at.position < rolloutAt)
          : at.wave.index > lastRollout && at.wave.estimateSeconds >= windowSeconds);
      if (!ok)
        out.push({
          kind: "migration-order",
          environment: env.name,
          message: `${change.service} ${m.name} (${m.phase}) misplaced`,
        });
    }
  }
  return out;
}

/**
 * Every violation of the safety rule (and of dependsOn, maxParallel and migration order) in a plan.
 * Written to be obviously right, not fast: O(states × requirements × services), for tests and for
 * double-checking plans of fleets of a few hundred services.
 */
export function checkPlanSafety(input: PlanInput, plan: ReleasePlan): SafetyViolation[] {
  return plan.environments.flatMap((env) =>
    !plan.feasible && env.waves.length === 0 ? [] : checkEnvironment(input, env),
  );
}
