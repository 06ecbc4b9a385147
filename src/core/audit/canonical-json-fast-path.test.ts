import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { tryCanonicalJson } from "./canonical-json.js";

/** RFC 8785 written out plainly, the slow way: what the native fast path must equal. */
function reference(value: unknown): string | undefined {
  switch (typeof value) {
    case "string":
      return /\p{Cs}/u.test(value) ? undefined : JSON.stringify(value);
    case "number":
      return Number.isFinite(value) ? String(value) : undefined;
    case "boolean":
      return String(value);
    case "object": {
      if (value === null) return "null";
      if (Array.isArray(value)) {
        const items = value.map(reference);
        return items.some((i) => i === undefined) ? undefined : `[${items.join(",")}]`;
      }
      const proto: unknown = Object.getPrototypeOf(value);
      if (proto !== Object.prototype && proto !== null) return undefined;
      const parts: string[] = [];
      for (const key of Object.keys(value).sort()) {
        const member = (value as Record<string, unknown>)[key];
        if (member === undefined) continue;
        const text = reference(member);
        if (text === undefined || /\p{Cs}/u.test(key)) return undefined;
        parts.push(`${JSON.stringify(key)}:${text}`);
      }
      return `{${parts.join(",")}}`;
    }
    default:
      return undefined;
  }
}

const awkwardKey = fc.oneof(
  fc.string(),
  fc.constantFrom("0", "1", "9", "10", "01", "4294967295", "__proto__", "a\ud800", "é", "😀", "\u0000"),
);
const leaf = fc.oneof(
  fc.string({ unit: "binary" }),
  fc.double(),
  fc.integer(),
  fc.constantFrom(-0, 1e21, 0.002, Number.NaN, Number.POSITIVE_INFINITY, undefined, null, true, "\ud800x"),
);
const value = fc.letrec((tie) => ({
  node: fc.oneof({ depthSize: "small" }, leaf, tie("array"), tie("object")),
  array: fc.array(tie("node"), { maxLength: 4 }),
  object: fc.dictionary(awkwardKey, tie("node"), { maxKeys: 5 }),
})).node;

describe("canonical JSON's native fast path", () => {
  it("equals the plain RFC 8785 serialization for any value, or refuses what it refuses", () => {
    fc.assert(
      fc.property(value, (v) => {
        expect(tryCanonicalJson(v)).toBe(reference(v));
      }),
      { numRuns: 3000 },
    );
  });

  it("leaves out an undefined member even when its key has no canonical form (found by the property)", () => {
    expect(tryCanonicalJson({ "a\ud800": undefined })).toBe("{}");
    expect(tryCanonicalJson({ "a\ud800": undefined, b: 1 })).toBe('{"b":1}');
    expect(tryCanonicalJson({ "a\ud800": 1 })).toBeUndefined();
  });

  it("keeps keys that V8 would reorder, or that assignment would swallow, in canonical order", () => {
    const tricky = JSON.parse('{"b":1,"10":2,"9":3,"__proto__":{"x":1},"a":[{"2":0,"1":0}]}');
    expect(tryCanonicalJson(tricky)).toBe('{"10":2,"9":3,"__proto__":{"x":1},"a":[{"1":0,"2":0}],"b":1}');
    expect(tryCanonicalJson({ z: 1, a: { y: -0, b: [1e21, "é"] } })).toBe(
      '{"a":{"b":[1e+21,"é"],"y":0},"z":1}',
    );
  });
});
