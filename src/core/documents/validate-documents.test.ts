import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { formatProblem } from "./problem.js";
import { validateSources } from "./validate-documents.js";

const fixture = (name: string) => ({
  name,
  text: readFileSync(new URL(`../../../test/fixtures/${name}`, import.meta.url), "utf8"),
});
const one = (text: string, name = "t.yaml") => validateSources([{ name, text }]);
const codes = (text: string) => one(text).problems.map((p) => p.code);

describe("validateSources", () => {
  it("reports ten different mistakes in one file, each at its line and column", () => {
    const { problems } = validateSources([fixture("ten-mistakes.yaml")]);
    const got = problems.map((p) => `${p.line}:${p.column} ${p.code} ${p.path}`);
    expect(got).toEqual([
      "6:3 schema.unknown-field spec.verison",
      "7:9 schema.invalid-type spec.tier",
      "9:13 document.api-version apiVersion",
      "16:7 document.unknown-kind kind",
      "22:19 schema.invalid-value metadata.name",
      "30:3 schema.required spec",
      "34:19 document.duplicate metadata.name",
      "37:15 ref.unknown-service spec.dependsOn[0]",
      "46:40 schema.invalid-value spec.requires[0].range",
      "48:1 document.not-mapping ",
      "55:18 ref.unknown-environment spec.environments[0]",
      "63:3 yaml.duplicate-key ",
    ]);
    const text = problems.map(formatProblem).join("\n");
    expect(text).toContain('unknown field "verison". Did you mean "version"?');
    expect(text).toContain('unknown kind the string "Servce"; must be one of Service');
    expect(text).toContain('Did you mean "Service"?');
    expect(text).toContain('missing required field "version"');
    expect(text).toContain('unknown Service "paymnts": no such document. Did you mean "payments"?');
    expect(text).toContain("must be an npm semver range");
    expect(new Set(problems.map((p) => p.code)).size).toBeGreaterThanOrEqual(10);
  });

  it("accepts the example workspace", () => {
    const names = ["fleet.yaml", "environments.yaml", "governance.yaml", "release.yaml"];
    const files = names.map((n) => ({
      name: n,
      text: readFileSync(new URL(`../../../examples/workspace/${n}`, import.meta.url), "utf8"),
    }));
    const result = validateSources(files);
    expect(result.problems.map(formatProblem)).toEqual([]);
    expect(result.documents.map((d) => d.doc.kind)).toContain("Release");
  });

  it("reports tabs, invalid YAML and empty files", () => {
    expect(codes("a:\n\tb: 1\n")).toContain("yaml.tab-indent");
    expect(codes("a: [1, 2\n")).toContain("yaml.syntax");
    expect(codes("")).toEqual(["document.empty-file"]);
    expect(codes("# only a comment\n---\n")).toEqual(["document.empty-file"]);
    expect(codes("42")).toEqual(["document.not-mapping"]);
  });

  it("names a missing apiVersion and kind", () => {
    const p = one("metadata: {name: a}\nspec: {}\n").problems;
    expect(p.map((x) => x.message).join("\n")).toMatch(
      /missing required field "apiVersion".*\n.*missing required field "kind"/,
    );
  });

  it("lets documents refer to stored context and to each other across files", () => {
    const svc =
      "apiVersion: upshift.dev/v1alpha1\nkind: Service\nmetadata: {name: a}\nspec: {version: 1.0.0, dependsOn: [b]}\n";
    expect(one(svc).problems.map((p) => p.code)).toEqual(["ref.unknown-service"]);
    const b =
      "apiVersion: upshift.dev/v1alpha1\nkind: Service\nmetadata: {name: b}\nspec: {version: 1.0.0}\n";
    expect(
      validateSources([
        { name: "a.yaml", text: svc },
        { name: "b.yaml", text: b },
      ]).problems,
    ).toEqual([]);
    const stored = validateSources([{ name: "b.yaml", text: b }]).documents.map((d) => d.doc);
    expect(validateSources([{ name: "a.yaml", text: svc }], stored).problems).toEqual([]);
  });
});

describe("hostile input", () => {
  it("refuses a 50 MB file quickly without parsing it", () => {
    const text = `a: "${"x".repeat(50 * 1024 * 1024)}"\n`;
    const started = performance.now();
    const { problems } = one(text);
    expect(problems.map((p) => p.code)).toEqual(["input.too-large"]);
    expect(performance.now() - started).toBeLessThan(1000);
  });

  it("refuses a billion-laughs alias bomb", () => {
    const lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
    for (let i = 1; i < 9; i++) {
      const prev = String.fromCharCode(96 + i);
      const cur = String.fromCharCode(97 + i);
      lines.push(`${cur}: &${cur} [${Array(9).fill(`*${prev}`).join(",")}]`);
    }
    const { problems } = one(lines.join("\n"));
    expect(problems.map((p) => p.code)).toEqual(["input.alias-limit"]);
  });

  it("refuses deeply nested structures in flow and block style", () => {
    expect(codes(`a: ${"[".repeat(100)}${"]".repeat(100)}`)).toEqual(["input.too-deep"]);
    expect(codes(`a: ${"[".repeat(5000)}${"]".repeat(5000)}`)).toContain("input.too-deep");
    let block = "";
    for (let i = 0; i < 200; i++) block += `${" ".repeat(i)}k:\n`;
    expect(codes(block)).toEqual(["input.too-deep"]);
  });
});
