import type { PlanInput } from "./planning-fleet.js";
import type { ReleasePlan } from "./release-plan.js";
import { requirementEdges } from "./requirement-edges.js";

/** A DOT double-quoted string (Graphviz "lang" docs: only `"` and `\` need escaping). */
const quote = (text: string) => `"${text.replaceAll("\\", "\\\\").replaceAll('"', '\\"')}"`;
/** A multi-line label: DOT's `\n` escape breaks lines (a raw newline would be kept verbatim). */
const multiline = (...parts: string[]) => `"${parts.map((p) => quote(p).slice(1, -1)).join("\\n")}"`;

/**
 * The plan in Graphviz DOT: a cluster per environment, each wave a `rank=same` group anchored
 * by a "wave k" node, waves chained by invisible edges; requirements are edges that do not
 * constrain ranks (`constraint=false`), so the layout follows the waves.
 */
export function renderPlanDot(plan: ReleasePlan, input: PlanInput): string {
  const lines = [`digraph ${quote(plan.release)} {`, "  rankdir=LR;", "  node [shape=box];"];
  const edges: string[] = [];
  for (const env of plan.environments) {
    const id = (name: string) => quote(`${env.name}/${name}`);
    lines.push(`  subgraph ${quote(`cluster_${env.name}`)} {`, `    label=${quote(env.name)};`);
    const moving = new Set<string>();
    for (const wave of env.waves) {
      const anchor = id(`wave ${wave.index}`);
      const members = [anchor];
      lines.push(`    ${anchor} [label=${quote(`wave ${wave.index}`)}, shape=plaintext];`);
      for (const step of wave.steps) {
        if (step.kind === "rollout") {
          moving.add(step.service);
          members.push(id(step.service));
          lines.push(
            `    ${id(step.service)} [label=${multiline(step.service, `${step.from} → ${step.to}`)}];`,
          );
        } else if (step.kind === "migrate-contract") {
          const node = id(`contract ${step.service}`);
          members.push(node);
          lines.push(
            `    ${node} [label=${multiline(`contract ${step.service}`, step.migrations.join(", "))}, shape=note];`,
          );
        }
      }
      lines.push(`    { rank=same; ${members.join("; ")}; }`);
      if (wave.index > 0) lines.push(`    ${id(`wave ${wave.index - 1}`)} -> ${anchor} [style=invis];`);
    }
    lines.push("  }");
    for (const r of requirementEdges(input, env.name, moving)) {
      edges.push(
        `  ${id(r.consumer)} -> ${id(r.provider)} [label=${quote(`${r.api} ${r.range}`)}, constraint=false];`,
      );
    }
  }
  return `${[...lines, ...edges, "}"].join("\n")}\n`;
}
