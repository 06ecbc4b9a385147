import { describe, expect, it } from "vitest";
import { transitiveDependents } from "./blast-radius.js";
import { changeSuccessScore } from "./change-success-score.js";
import { computeRisk } from "./compute-risk.js";
import { renderRiskTable } from "./render-risk-table.js";
import type { RiskFacts } from "./risk-facts.js";
import { DEFAULT_RISK_BANDS, DEFAULT_RISK_MODEL, riskModelFromPolicy } from "./risk-model.js";

const HOUR = 3_600_000;
const T0 = Date.UTC(2027, 0, 4, 9);

const facts: RiskFacts = {
  type: "normal",
  services: ["orders", "payments"],
  fleet: [
    { name: "orders", tier: 1, dependsOn: ["payments"] },
    { name: "payments", tier: 0, dependsOn: [] },
    { name: "checkout", tier: 0, dependsOn: ["orders", "payments"] },
    { name: "web", tier: 2, dependsOn: ["checkout"] },
    { name: "reports", tier: undefined, dependsOn: ["orders"] },
    { name: "search", tier: 1, dependsOn: [] },
  ],
  waves: 3,
  migrationHazards: [
    { service: "orders", migration: "V7__drop_legacy_status", kind: "destructive", detail: "DROP COLUMN" },
    {
      service: "payments",
      migration: "V3__index_ref",
      kind: "locking",
      detail: "CREATE INDEX without CONCURRENTLY",
    },
  ],
  history: [
    { service: "orders", outcome: "successful", incidents: [] },
    { service: "orders", outcome: "successful", incidents: [] },
    { service: "orders", outcome: "successful", incidents: [] },
    { service: "payments", outcome: "successful", incidents: [] },
    { service: "payments", outcome: "unsuccessful", incidents: [2] },
  ],
  assessedAt: T0,
  window: { start: T0 + 30 * HOUR, end: T0 + 32 * HOUR },
  freezes: [{ name: "year-end", start: T0 + 42 * HOUR, end: T0 + 200 * HOUR }],
  coverageGaps: [{ service: "payments", description: "no contract test for refunds v2" }],
};

describe("computeRisk", () => {
  it("scores every factor with the fact behind it", () => {
    const risk = computeRisk(facts);
    expect(risk.factors.map((f) => [f.name, f.points, f.fact])).toEqual([
      ["blast radius", 12, "3 transitive dependents: checkout (tier 0), reports (no tier), web (tier 2)"],
      ["services and waves", 6, "2 services in 3 waves"],
      [
        "migrations",
        21,
        "orders/V7__drop_legacy_status destructive (DROP COLUMN); payments/V3__index_ref locking (CREATE INDEX without CONCURRENTLY)",
      ],
      ["change history", 7, "success score -7 (weakest of 2: payments; 2 changes, 1 failed, 1 P2 incident)"],
      ["lead time", 4, "window starts 1d 6h after assessment"],
      ["freeze proximity", 8, 'window ends 10h before freeze "year-end" begins'],
      ["test coverage gaps", 5, "payments: no contract test for refunds v2"],
      ["emergency", 0, "normal change"],
    ]);
    expect([risk.score, risk.band]).toEqual([63, "very-high"]);
  });

  it("renders the table `upshift change risk` prints", () => {
    const table = renderRiskTable(
      "CHG-42",
      computeRisk({ ...facts, migrationHazards: [] }),
      DEFAULT_RISK_BANDS,
    );
    expect(table).toBe(
      [
        "Risk of CHG-42: High (42 points; Moderate from 15, High from 35, Very high from 60)",
        "",
        "factor              points  fact",
        "blast radius           +12  3 transitive dependents: checkout (tier 0), reports (no tier), web (tier 2)",
        "services and waves      +6  2 services in 3 waves",
        "migrations               0  no destructive or locking migration",
        "change history          +7  success score -7 (weakest of 2: payments; 2 changes, 1 failed, 1 P2 incident)",
        "lead time               +4  window starts 1d 6h after assessment",
        'freeze proximity        +8  window ends 10h before freeze "year-end" begins',
        "test coverage gaps      +5  payments: no contract test for refunds v2",
        "emergency                0  normal change",
        "total                   42  High",
      ].join("\n"),
    );
  });

  it("credits a good track record, but never more than the cap", () => {
    const clean = computeRisk({ ...facts, services: ["orders"], history: facts.history.slice(0, 3) });
    expect(clean.factors.find((f) => f.name === "change history")).toEqual({
      name: "change history",
      points: -5,
      fact: "success score +9 (orders; 3 changes)",
    });
  });

  it("adds emergency points, keeps freeze overlap, and waives lead time only when the policy says so", () => {
    const emergency: RiskFacts = {
      ...facts,
      type: "emergency",
      window: { start: T0 + 2 * HOUR, end: T0 + 50 * HOUR },
    };
    const strict = computeRisk(emergency);
    const points = (r: typeof strict, name: string) => r.factors.find((f) => f.name === name)?.points;
    expect([
      points(strict, "emergency"),
      points(strict, "lead time"),
      points(strict, "freeze proximity"),
    ]).toEqual([15, 10, 30]);
    const { model } = riskModelFromPolicy({ emergency: { approverGroups: ["oncall"], skipLeadTime: true } });
    const waived = computeRisk(emergency, model);
    expect(waived.factors.find((f) => f.name === "lead time")?.fact).toBe(
      "window starts 2h after assessment; waived for emergency by policy",
    );
    expect(points(waived, "lead time")).toBe(0);
  });

  it("takes weights and bands from the Policy, and names unknown weights", () => {
    const { model, problems } = riskModelFromPolicy({
      risk: {
        weights: { destructiveMigration: 40, leadTimeUnder1: 3 },
        bands: { moderate: 10, high: 70, veryHigh: 90 },
      },
    });
    expect(problems).toEqual(['unknown risk weight "leadTimeUnder1". Did you mean "leadTimeUnder1d"?']);
    const risk = computeRisk(facts, model);
    expect(risk.factors.find((f) => f.name === "migrations")?.points).toBe(46);
    expect([risk.score, risk.band]).toEqual([88, "high"]);
    expect(DEFAULT_RISK_MODEL.bands).toEqual({ moderate: 15, high: 35, veryHigh: 60 });
  });
});

describe("change success score (ServiceNow)", () => {
  it("adds +3, -2, -5 per outcome and -10, -5, -2 per P1, P2, P3 incident", () => {
    const s = changeSuccessScore("orders", [
      { service: "orders", outcome: "successful", incidents: [] },
      { service: "orders", outcome: "successful-with-issues", incidents: [3] },
      { service: "orders", outcome: "unsuccessful", incidents: [1, 2] },
      { service: "billing", outcome: "unsuccessful", incidents: [1] },
    ]);
    expect(s).toEqual({
      service: "orders",
      score: 3 - 2 - 2 - 5 - 10 - 5,
      changes: 3,
      failed: 1,
      withIssues: 1,
      incidents: [1, 1, 1],
    });
  });
});

describe("transitiveDependents", () => {
  it("walks dependents through any depth, once each, and survives cycles", () => {
    const fleet = [
      { name: "a", tier: 1, dependsOn: ["c"] },
      { name: "b", tier: 2, dependsOn: ["a"] },
      { name: "c", tier: 0, dependsOn: ["b"] },
    ];
    expect(transitiveDependents(fleet, ["a"])).toEqual([
      { name: "b", tier: 2, distance: 1 },
      { name: "c", tier: 0, distance: 2 },
    ]);
  });
});
