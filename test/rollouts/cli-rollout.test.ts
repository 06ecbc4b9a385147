import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { runCli, startCliServer } from "../support/cli.js";

const dir = mkdtempSync(join(tmpdir(), "upshift-cli-rollout-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const A = `sha256:${"a".repeat(64)}`;
const B = `sha256:${"b".repeat(64)}`;

describe("upshift artifact, run promote and rollback (built CLI against a server)", () => {
  it("registers once, refuses another digest (exit 3), lists; promote and rollback name what is wrong", async () => {
    const env = { UPSHIFT_DATA_DIR: join(dir, "data") };
    const token = runCli(["token", "create", "--name", "ops", "--role", "admin"], env).stdout.trim();
    const server = await startCliServer([], env);
    try {
      const conn = { ...env, UPSHIFT_URL: server.url, UPSHIFT_TOKEN: token };
      const register = (digest: string) =>
        runCli(
          [
            "artifact",
            "register",
            "--name",
            "web",
            "--version",
            "2.0.0",
            "--digest",
            digest,
            "--path",
            "/srv/web",
          ],
          conn,
        );
      const first = register(A);
      expect(first.code, first.stderr).toBe(0);
      expect(first.stdout).toBe(`registered web 2.0.0 ${A}\n`);
      expect(register(A).stdout).toBe(`already registered web 2.0.0 ${A}\n`);
      const refused = register(B);
      expect(refused.code).toBe(3);
      expect(refused.stderr).toContain(`registered with digest ${A}`);
      const bad = runCli(
        ["artifact", "register", "--name", "web", "--version", "2.0.1", "--digest", "abc"],
        conn,
      );
      expect(bad.code).toBe(1);
      expect(bad.stderr).toContain('digest "abc" must be "sha256:" followed by 64 lower-case hex digits');
      const list = JSON.parse(runCli(["artifact", "list", "-o", "json"], conn).stdout);
      expect(list).toEqual([
        expect.objectContaining({ name: "web", version: "2.0.0", digest: A, path: "/srv/web" }),
      ]);

      const promote = runCli(["run", "promote", "no-such-run", "--service", "web"], conn);
      expect(promote.code).toBe(1);
      expect(promote.stderr).toContain("run no-such-run does not exist");
      const rollback = runCli(["rollback", "no-such-run"], conn);
      expect(rollback.code).toBe(1);
      expect(rollback.stderr).toContain("run no-such-run does not exist");
    } finally {
      expect(await server.stop("SIGTERM")).toBe(0);
    }
  }, 60_000);
});
