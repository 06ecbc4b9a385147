import { execFileSync } from "node:child_process";
import { chmod, mkdir, rm, symlink, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { digestOfPath } from "../../src/adapters/drivers/process/artifact-digest.js";
import { tempDir } from "./process-fixture.js";

const dirs: string[] = [];
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

describe("directory artifact digest", () => {
  it("equals the documented shell recipe, with nested files, an executable and a symlink", async () => {
    const dir = await tempDir("digest");
    dirs.push(dir);
    await mkdir(join(dir, "lib", "deep"), { recursive: true });
    await mkdir(join(dir, "empty"));
    await writeFile(join(dir, "server.mjs"), "console.log('hi')\n");
    await writeFile(join(dir, "lib", "deep", "a b.txt"), "spaces in names");
    await writeFile(join(dir, "start.sh"), "#!/bin/sh\nexec node server.mjs\n");
    await chmod(join(dir, "start.sh"), 0o755);
    await symlink("lib/deep/a b.txt", join(dir, "current"));
    const script = new URL("./fixtures/tree-digest.sh", import.meta.url).pathname;
    const shell = execFileSync(script, [dir], { encoding: "utf8" }).trim();
    expect(await digestOfPath(dir)).toBe(shell);
    // The executable bit is part of the digest; a mode change is a different artifact.
    await chmod(join(dir, "start.sh"), 0o644);
    expect(await digestOfPath(dir)).not.toBe(shell);
  });
});
