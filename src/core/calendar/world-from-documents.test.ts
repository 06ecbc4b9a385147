import { describe, expect, it } from "vitest";
import { validateSources } from "../documents/validate-documents.js";
import { checkSlot } from "./check-slot.js";
import { worldFromDocuments } from "./world-from-documents.js";

const files = `apiVersion: upshift.dev/v1alpha1
kind: Calendar
metadata: {name: prod-calendar}
spec:
  windows:
    - name: business-hours-freeze
      kind: freeze
      timeZone: Europe/Berlin
      start: "2027-01-04T09:00:00"
      end: "2027-01-04T17:00:00"
      rrule: "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR"
      exdates: ["2027-04-02T09:00:00"]
      scope: {environments: [prod], tiers: [0, 1]}
      reason: "no changes in business hours"
      owner: release-management
      emergencyOverride: true
---
apiVersion: upshift.dev/v1alpha1
kind: Environment
metadata: {name: prod}
spec: {order: 2, region: eu-central-1, timeZone: Europe/Berlin}
---
apiVersion: upshift.dev/v1alpha1
kind: Service
metadata: {name: orders, labels: {tier: "1"}}
spec: {version: 2.0.0}
`;

describe("worldFromDocuments", () => {
  it("checks a slot straight from the issue's example Calendar document", () => {
    const { documents, problems } = validateSources([{ name: "fleet.yaml", text: files }]);
    expect(problems).toEqual([]);
    const world = worldFromDocuments(documents.map((d) => d.doc));
    expect(world.services.orders?.tier).toBe(1);
    const slot = {
      environment: "prod",
      services: ["orders"],
      start: Date.parse("2027-04-01T10:00:00Z"),
      end: Date.parse("2027-04-01T11:00:00Z"),
    };
    expect(checkSlot(world, slot).conflicts.map((c) => c.kind)).toEqual(["freeze"]);
    // Good Friday is an EXDATE: no freeze that day.
    const friday = {
      ...slot,
      start: Date.parse("2027-04-02T10:00:00Z"),
      end: Date.parse("2027-04-02T11:00:00Z"),
    };
    expect(checkSlot(world, friday).conflicts).toEqual([]);
  });

  it("rejects a window with neither end nor duration, at the window's position", () => {
    const text = files.replace('      end: "2027-01-04T17:00:00"\n', "");
    const { problems } = validateSources([{ name: "fleet.yaml", text }]);
    expect(problems.map((p) => [p.line, p.path, p.message])).toEqual([
      [6, "spec.windows[0].end", expect.stringContaining("needs an end (local wall time) or a duration")],
    ]);
  });
});
