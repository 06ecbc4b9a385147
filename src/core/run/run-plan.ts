/** A step to execute, as the engine receives it: a node of the run's DAG. */
export interface PlannedStep {
  /** Unique within the run, e.g. `w1/rollout/orders`. */
  readonly key: string;
  /** Handler kind: rollout, migrate-expand, verify, wait, gate, test … */
  readonly kind: string;
  readonly service?: string;
  readonly wave: number;
  readonly dependsOn: readonly string[];
  /** Handler input (JSON). */
  readonly input: Record<string, unknown>;
}

/** What a run executes: the steps of one plan for one environment. */
export interface RunPlan {
  readonly release: string;
  readonly environment: string;
  readonly steps: readonly PlannedStep[];
}

/** Problems with a run plan (unknown dependencies, duplicate keys, cycles); empty when valid. */
export function checkRunPlan(plan: RunPlan): string[] {
  const problems: string[] = [];
  const keys = new Set<string>();
  for (const s of plan.steps) {
    if (keys.has(s.key)) problems.push(`duplicate step key "${s.key}"`);
    keys.add(s.key);
  }
  for (const s of plan.steps)
    for (const d of s.dependsOn)
      if (!keys.has(d)) problems.push(`step "${s.key}" depends on unknown step "${d}"`);
  if (problems.length > 0) return problems;
  // Kahn's algorithm: whatever cannot be ordered lies on a cycle.
  const indegree = new Map(plan.steps.map((s) => [s.key, s.dependsOn.length]));
  const dependents = new Map<string, string[]>();
  for (const s of plan.steps)
    for (const d of s.dependsOn) dependents.set(d, [...(dependents.get(d) ?? []), s.key]);
  const queue = plan.steps.filter((s) => s.dependsOn.length === 0).map((s) => s.key);
  let seen = 0;
  while (queue.length > 0) {
    const k = queue.pop() as string;
    seen++;
    for (const next of dependents.get(k) ?? []) {
      const n = (indegree.get(next) ?? 0) - 1;
      indegree.set(next, n);
      if (n === 0) queue.push(next);
    }
  }
  if (seen < plan.steps.length) {
    const stuck = [...indegree].filter(([, n]) => n > 0).map(([k]) => k);
    problems.push(`steps form a cycle: ${stuck.join(", ")}`);
  }
  return problems;
}
