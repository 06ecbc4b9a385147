import { durationSeconds } from "../../documents/duration.js";
import type { ApprovalRule, ApprovalSetup, Quorum } from "./approval-setup.js";
import type { ApprovalSubject } from "./approval-subject.js";

/** One group whose approval a change needs, merged over every rule that asks for it. */
export interface GroupRequirement {
  readonly group: string;
  readonly level: number;
  readonly quorums: readonly Quorum[];
  /** The shortest validity of the rules asking for it; undefined when approvals do not expire. */
  readonly expiresAfterSeconds: number | undefined;
  readonly rules: readonly string[];
}

/** The groups a change needs and the rules they come from. */
export interface ApprovalRequirements {
  readonly requirements: readonly GroupRequirement[];
  readonly matchedRules: readonly string[];
  readonly separationOfDuties: boolean;
  /** Why the requirements are what they are (fallbacks, emergency restriction). */
  readonly notes: readonly string[];
}

/** True when every criterion a rule states holds for the change; a rule without `match` applies always. */
export function ruleMatches(rule: ApprovalRule, subject: ApprovalSubject): boolean {
  const m = rule.match;
  if (m === undefined) return true;
  if (m.environments !== undefined && !m.environments.includes(subject.environment)) return false;
  if (m.types !== undefined && !m.types.includes(subject.type)) return false;
  if (
    m.riskBands !== undefined &&
    (subject.riskBand === undefined || !m.riskBands.includes(subject.riskBand))
  ) {
    return false;
  }
  if (
    m.tiers !== undefined &&
    !subject.scope.some((s) => s.tier !== undefined && m.tiers?.includes(s.tier))
  ) {
    return false;
  }
  const wanted = Object.entries(m.labels ?? {});
  const has = (labels: Readonly<Record<string, string>>) => wanted.every(([k, v]) => labels[k] === v);
  return wanted.length === 0 || has(subject.labels) || subject.scope.some((s) => has(s.labels));
}

/**
 * The groups a change needs, by level. Several rules may name one group at one level: they merge,
 * the strictest quorum and the shortest expiry winning. Separation of duties holds unless every
 * matching rule turns it off. An emergency change is restricted to the Policy's emergency groups.
 */
export function approvalRequirements(subject: ApprovalSubject, setup: ApprovalSetup): ApprovalRequirements {
  const matched = setup.rules.filter((r) => ruleMatches(r, subject));
  const notes: string[] = [];
  const byKey = new Map<string, GroupRequirement>();
  for (const rule of matched) {
    const expires = rule.expiresAfter === undefined ? undefined : durationSeconds(rule.expiresAfter);
    for (const g of rule.groups) add(byKey, g.name, g.level ?? 0, g.quorum ?? "any", expires, rule.name);
  }
  if (matched.length === 0 && setup.environmentGroups !== undefined && setup.environmentGroups.length > 0) {
    notes.push(`no approval rule matches; the environment's approval groups are asked (any member each)`);
    for (const group of setup.environmentGroups)
      add(byKey, group, 0, "any", undefined, "environment protection");
  }
  let requirements = [...byKey.values()];
  const emergency = setup.emergencyApproverGroups;
  if (subject.type === "emergency" && emergency !== undefined) {
    const dropped = requirements.filter((r) => !emergency.includes(r.group)).map((r) => r.group);
    requirements = requirements.filter((r) => emergency.includes(r.group));
    if (dropped.length > 0)
      notes.push(
        `emergency change: only ${emergency.join(", ")} may approve; ${dropped.join(", ")} not asked`,
      );
    if (requirements.length === 0) {
      requirements = emergency.map((group) => ({
        group,
        level: 0,
        quorums: ["any"],
        expiresAfterSeconds: undefined,
        rules: ["emergency"],
      }));
    }
  }
  requirements.sort((a, b) => a.level - b.level || a.group.localeCompare(b.group));
  const separationOfDuties = matched.length === 0 || matched.some((r) => r.separationOfDuties !== false);
  return { requirements, matchedRules: matched.map((r) => r.name), separationOfDuties, notes };
}

function add(
  byKey: Map<string, GroupRequirement>,
  group: string,
  level: number,
  quorum: Quorum,
  expires: number | undefined,
  rule: string,
): void {
  const key = `${level}\u0000${group}`;
  const known = byKey.get(key);
  if (known === undefined) {
    byKey.set(key, { group, level, quorums: [quorum], expiresAfterSeconds: expires, rules: [rule] });
    return;
  }
  const shortest = [known.expiresAfterSeconds, expires].filter((e) => e !== undefined);
  byKey.set(key, {
    group,
    level,
    quorums: [...known.quorums, quorum],
    expiresAfterSeconds: shortest.length === 0 ? undefined : Math.min(...shortest),
    rules: [...known.rules, rule],
  });
}
