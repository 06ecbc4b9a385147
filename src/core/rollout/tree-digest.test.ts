import { createHash } from "node:crypto";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type TreeEntry, treeDigest } from "./tree-digest.js";

const sha = (s: string) => createHash("sha256").update(s).digest("hex");
const entry = (path: string, content: string, executable = false): TreeEntry => ({
  path,
  kind: "file",
  executable,
  contentSha256: sha(content),
});

describe("treeDigest", () => {
  it("does not depend on the order the directory was listed in", () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.string({ minLength: 1, maxLength: 8 }), { minLength: 1, maxLength: 8 }),
        (paths) => {
          const entries = paths.map((p) => entry(p, `content of ${p}`));
          expect(treeDigest([...entries].reverse())).toBe(treeDigest(entries));
        },
      ),
      { numRuns: 100 },
    );
  });

  it("changes when content, path or the executable bit changes", () => {
    const base = treeDigest([entry("server.mjs", "a"), entry("start.sh", "b", true)]);
    expect(treeDigest([entry("server.mjs", "A"), entry("start.sh", "b", true)])).not.toBe(base);
    expect(treeDigest([entry("server2.mjs", "a"), entry("start.sh", "b", true)])).not.toBe(base);
    expect(treeDigest([entry("server.mjs", "a"), entry("start.sh", "b", false)])).not.toBe(base);
    expect(base).toMatch(/^sha256:[0-9a-f]{64}$/);
  });

  it("is the documented line format, so other tools can reproduce it", () => {
    const line = `file - ${sha("hi")} a.txt\n`;
    expect(treeDigest([entry("a.txt", "hi")])).toBe(`sha256:${sha(line)}`);
  });
});
