import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { documentsJsonSchema } from "./json-schema.js";

describe("published JSON Schema", () => {
  it("is up to date with the zod schemas (run `npm run schema` if this fails)", () => {
    const committed = readFileSync(new URL("../../../schema/upshift.schema.json", import.meta.url), "utf8");
    expect(JSON.parse(committed)).toEqual(documentsJsonSchema());
  });

  it("describes every kind, rejects unknown fields and keeps patterns", () => {
    const schema = documentsJsonSchema() as {
      $defs: Record<string, { properties: Record<string, unknown>; additionalProperties: unknown }>;
    };
    expect(Object.keys(schema.$defs).sort()).toEqual([
      "Calendar",
      "Environment",
      "Policy",
      "Release",
      "Resource",
      "Service",
    ]);
    const service = schema.$defs.Service;
    expect(service?.additionalProperties).toBe(false);
    expect(JSON.stringify(service)).toContain("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$");
  });
});
