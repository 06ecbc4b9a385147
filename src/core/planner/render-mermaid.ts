import type { PlanInput } from "./planning-fleet.js";
import type { PlanStep, ReleasePlan } from "./release-plan.js";
import { requirementEdges } from "./requirement-edges.js";

/** Mermaid labels are double-quoted; a quote inside must be an entity. */
const label = (text: string) => `"${text.replaceAll('"', "#quot;")}"`;

function stepText(step: PlanStep): string | undefined {
  switch (step.kind) {
    case "rollout":
      return `${step.service} ${step.from} → ${step.to}`;
    case "migrate-contract":
      return `contract ${step.service}: ${step.migrations.join(", ")}`;
    case "migrate-expand":
    case "verify":
      return undefined;
    default: {
      const unreachable: never = step;
      return unreachable;
    }
  }
}

/**
 * The plan as a Mermaid flowchart: one box per environment, one box per wave inside it (chained
 * left to right by invisible links, so waves read as ranks) and requirements as labelled edges.
 */
export function renderPlanMermaid(plan: ReleasePlan, input: PlanInput): string {
  const lines = ["flowchart LR"];
  const edges: string[] = [];
  plan.environments.forEach((env, e) => {
    const idOf = new Map<string, string>();
    lines.push(`  subgraph env${e} [${label(env.name)}]`, "    direction LR");
    env.waves.forEach((wave) => {
      lines.push(`    subgraph env${e}_w${wave.index} [${label(`wave ${wave.index}`)}]`);
      wave.steps.forEach((step, i) => {
        const text = stepText(step);
        if (text === undefined) return;
        const id = `env${e}_w${wave.index}_${i}`;
        if (step.kind === "rollout") idOf.set(step.service, id);
        lines.push(`      ${id}[${label(text)}]`);
      });
      lines.push("    end");
      if (wave.index > 0) edges.push(`  env${e}_w${wave.index - 1} ~~~ env${e}_w${wave.index}`);
    });
    lines.push("  end");
    for (const r of requirementEdges(input, env.name, new Set(idOf.keys()))) {
      edges.push(`  ${idOf.get(r.consumer)} -->|${label(`${r.api} ${r.range}`)}| ${idOf.get(r.provider)}`);
    }
  });
  return `${[...lines, ...edges].join("\n")}\n`;
}
