import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { createSourceMap } from "./source-position.js";
import { loadSqlParser, parseSql } from "./sql-statements.js";

beforeAll(loadSqlParser);

const positions = (text: string) => {
  const parsed = parseSql(text);
  if (parsed.kind !== "parsed") throw new Error(parsed.message);
  return parsed.statements.map((s) => `${s.position.line}:${s.position.column} ${s.text}`);
};

describe("parseSql", () => {
  it("places each statement at its first keyword, past comments and blank lines", () => {
    const text = [
      "-- upshift: phase=expand", // 1
      "/* a block comment", // 2
      "   over two lines */", // 3
      "", // 4
      "SET lock_timeout = '2s';   ALTER TABLE users", // 5
      "  ADD COLUMN a text;", // 6
      "-- before the index", // 7
      "   CREATE INDEX CONCURRENTLY i", // 8
      "     ON users (a);", // 9
    ].join("\n");
    expect(positions(text)).toEqual([
      "5:1 SET lock_timeout = '2s'",
      "5:28 ALTER TABLE users\n  ADD COLUMN a text",
      "8:4 CREATE INDEX CONCURRENTLY i\n     ON users (a)",
    ]);
  });

  it("counts columns in characters although the parser counts UTF-8 bytes", () => {
    // "é" is 2 bytes and "😀" 4 bytes (2 UTF-16 units): a byte-based column would be off.
    const text = "-- café 😀\nSELECT 'é';  SELECT 2;\n/* ünïcödé */ SELECT 3";
    expect(positions(text)).toEqual(["2:1 SELECT 'é'", "2:14 SELECT 2", "3:15 SELECT 3"]);
  });

  it("handles CRLF line endings, nested block comments and dollar-quoted bodies", () => {
    const text = "/* outer /* inner */ still comment */\r\nDO $$ BEGIN PERFORM 1; END $$;\r\n  SELECT 1;";
    expect(positions(text).map((p) => p.split(" ")[0])).toEqual(["2:1", "3:3"]);
  });

  it("keeps the comments that precede each statement, with their lines", () => {
    const parsed = parseSql("SELECT 1;\n-- one\n/* two */\nSELECT 2; -- tail\n");
    if (parsed.kind !== "parsed") throw new Error("expected parsed");
    expect(parsed.statements[1]?.leadingComments.map((c) => `${c.line} ${c.body}`)).toEqual([
      "2 one",
      "3 two",
    ]);
    expect(parsed.trailingComments.map((c) => `${c.line}:${c.column} ${c.body}`)).toEqual(["4:11 tail"]);
  });

  it("reports a syntax error at the statement that fails, not at the file start", () => {
    const parsed = parseSql("SELECT 1;\n\n-- comment\n  ALTER TABLE users ADD COLUMN;\nSELECT 3;");
    expect(parsed.kind).toBe("syntax-error");
    if (parsed.kind !== "syntax-error") return;
    expect(parsed.message).toMatch(/syntax error at or near ";"/);
    expect(`${parsed.position.line}:${parsed.position.column}`).toBe("4:3");
  });

  it("reads an empty file or a file of comments as zero statements", () => {
    expect(positions("")).toEqual([]);
    expect(positions("-- nothing yet\n/* really */\n")).toEqual([]);
  });
});

describe("createSourceMap", () => {
  it("maps byte offsets inside and after multi-byte characters", () => {
    const map = createSourceMap("aé\n😀b");
    // bytes: a=0, é=1..2, \n=3, 😀=4..7, b=8
    expect([0, 1, 3, 4, 8, 9].map((b) => map.indexOfByte(b))).toEqual([0, 1, 2, 3, 5, 6]);
    expect(map.positionOfIndex(5)).toEqual({ index: 5, line: 2, column: 3 });
  });

  it("agrees with TextEncoder at every character boundary, in any query order (property)", () => {
    fc.assert(
      fc.property(fc.string({ unit: "grapheme", maxLength: 30 }), fc.func(fc.integer()), (text, order) => {
        const map = createSourceMap(text);
        const boundaries: [number, number][] = [];
        for (let i = 0; i <= text.length; i++) {
          const code = text.charCodeAt(i - 1);
          if (i > 0 && code >= 0xd800 && code <= 0xdbff) continue; // inside a surrogate pair
          boundaries.push([new TextEncoder().encode(text.slice(0, i)).length, i]);
        }
        boundaries.sort((a, b) => order(a[0]) - order(b[0]));
        return boundaries.every(([byte, index]) => map.indexOfByte(byte) === index);
      }),
      { numRuns: 300 },
    );
  });
});
