import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { StringInterner } from "./string-interner.js";

describe("StringInterner", () => {
  it("gives equal names one id and ids in order of first sight, past several table growths, by id or idInRun alike", () => {
    fc.assert(
      fc.property(
        fc
          .array(fc.string({ maxLength: 6, unit: fc.constantFrom("a", "b", "é", "😀", "-") }), {
            maxLength: 3000,
          })
          .map((names) => names.flatMap((n, i) => (i % 4 === 0 ? [n, n, n] : [n]))),
        (names) => {
          const interner = new StringInterner();
          // Runs of a name, asked both ways: idInRun's shortcut must agree with the table.
          const ids = names.map((n, i) => (i % 3 === 0 ? interner.id(n) : interner.idInRun(n)));
          const expected = [...new Set(names)];
          expect(interner.names).toEqual(expected);
          expect(ids).toEqual(names.map((n) => expected.indexOf(n)));
        },
      ),
      { numRuns: 30 },
    );
  });

  it("keeps 5,000 distinct names apart", () => {
    const interner = new StringInterner();
    for (let i = 0; i < 5000; i++) expect(interner.id(`api-${i}`)).toBe(i);
    for (let i = 4999; i >= 0; i--) expect(interner.id(`api-${i}`)).toBe(i);
  });
});
