import { spawnSync } from "node:child_process";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { describe, expect, it } from "vitest";
import { ROOT } from "../support/cli.js";

/** Runs the project's dependency-cruiser rules on one temporary source file. */
function cruise(relativePath: string, source: string): { code: number | null; output: string } {
  const file = join(ROOT, relativePath);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, source);
  try {
    const r = spawnSync(
      process.execPath,
      [
        join(ROOT, "node_modules/dependency-cruiser/bin/dependency-cruise.mjs"),
        relativePath,
        "--config",
        ".dependency-cruiser.cjs",
      ],
      {
        cwd: ROOT,
        encoding: "utf8",
        timeout: 60_000,
      },
    );
    return { code: r.status, output: r.stdout + r.stderr };
  } finally {
    rmSync(file, { force: true });
  }
}

describe("npm run lint layer rules", () => {
  const probe = `lint-probe-${process.pid}`;

  it("fails on a core file that imports node:fs", () => {
    const r = cruise(
      `src/core/${probe}.ts`,
      'import { readFileSync } from "node:fs";\nexport const x = readFileSync;\n',
    );
    expect(r.code).not.toBe(0);
    expect(r.output).toContain("core-is-pure");
  });

  it("fails on a core file that imports the store, and on the engine importing the server", () => {
    const core = cruise(
      `src/core/${probe}.ts`,
      'import type { Store } from "../store/store.js";\nexport type X = Store;\n',
    );
    expect(core.code).not.toBe(0);
    expect(core.output).toContain("core-imports-only-core");
    const engine = cruise(
      `src/engine/${probe}.ts`,
      'import { buildApp } from "../server/app.js";\nexport const x = buildApp;\n',
    );
    expect(engine.code).not.toBe(0);
    expect(engine.output).toContain("engine-inward-only");
  });

  it("passes a pure core file", () => {
    const r = cruise(`src/core/${probe}.ts`, 'import { z } from "zod";\nexport const x = z.string();\n');
    expect(r.output).not.toContain("error");
    expect(r.code).toBe(0);
  });
});
