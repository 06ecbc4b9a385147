import { describe, expect, it } from "vitest";
import type { DocumentOf } from "../documents/document-kinds.js";
import { planRelease } from "./plan-release.js";
import { renderPlanDot } from "./render-dot.js";
import { renderPlanMermaid } from "./render-mermaid.js";

const service = (name: string, spec: Partial<DocumentOf<"Service">["spec"]>): DocumentOf<"Service"> => ({
  apiVersion: "upshift.dev/v1alpha1",
  kind: "Service",
  metadata: { name },
  spec: { version: "1.0.0", ...spec },
});
const input = {
  services: [
    service("payments", { provides: [{ api: 'pay "api"', version: "1.0.0" }] }),
    service("orders", { requires: [{ api: 'pay "api"', range: "^1.0.0" }] }),
  ],
  release: {
    apiVersion: "upshift.dev/v1alpha1",
    kind: "Release",
    metadata: { name: "r1" },
    spec: {
      environments: ["prod"],
      changes: [
        { service: "payments", version: "2.0.0", provides: [{ api: 'pay "api"', version: "1.5.0" }] },
        {
          service: "orders",
          version: "2.0.0",
          requires: [{ api: 'pay "api"', range: "^1.5.0" }],
          migrations: [{ name: "V2__drop_x", phase: "contract" }],
        },
      ],
    },
  } satisfies DocumentOf<"Release">,
};

describe("plan renderers", () => {
  const plan = planRelease(input);

  it("draws waves as ordered Mermaid subgraphs and requirements as labelled edges", () => {
    const text = renderPlanMermaid(plan, input);
    expect(text.startsWith("flowchart LR\n")).toBe(true);
    expect(text).toContain('subgraph env0_w0 ["wave 0"]');
    expect(text).toContain('env0_w0_0["payments 1.0.0 → 2.0.0"]');
    expect(text).toContain('env0_w1_0["orders 1.0.0 → 2.0.0"]');
    expect(text).toContain("env0_w0 ~~~ env0_w1");
    expect(text).toContain('env0_w1_0 -->|"pay #quot;api#quot; ^1.5.0"| env0_w0_0');
    expect(text).toContain('["contract orders: V2__drop_x"]');
  });

  it("draws waves as DOT ranks chained in order, with requirement edges that do not move them", () => {
    const text = renderPlanDot(plan, input);
    expect(text).toContain('digraph "r1" {');
    expect(text).toContain('{ rank=same; "prod/wave 0"; "prod/payments"; }');
    expect(text).toContain('"prod/payments" [label="payments\\n1.0.0 → 2.0.0"];');
    expect(text).toContain('{ rank=same; "prod/wave 1"; "prod/orders"; }');
    expect(text).toContain('"prod/wave 0" -> "prod/wave 1" [style=invis];');
    expect(text).toContain(
      '"prod/orders" -> "prod/payments" [label="pay \\"api\\" ^1.5.0", constraint=false];',
    );
    expect(text.trimEnd().endsWith("}")).toBe(true);
  });
});
