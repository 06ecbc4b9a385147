import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import SQLite from "better-sqlite3";
import { Command } from "commander";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { registerAudit } from "../../src/cli/commands/audit.js";
import { CliError } from "../../src/cli/exit-codes.js";
import { AuditRepository } from "../../src/store/audit-repository.js";
import { openStore } from "../../src/store/store.js";

/** Runs `upshift audit …` in-process (main.ts registers the command) and captures stdout. */
async function audit(dataDir: string, ...args: string[]): Promise<{ stdout: string; error?: CliError }> {
  const program = new Command("upshift").option("--data-dir <dir>").exitOverride();
  registerAudit(program);
  let stdout = "";
  const write = vi.spyOn(process.stdout, "write").mockImplementation((chunk) => {
    stdout += String(chunk);
    return true;
  });
  try {
    await program.parseAsync(["audit", ...args, "--data-dir", dataDir], { from: "user" });
    return { stdout };
  } catch (error) {
    if (error instanceof CliError) return { stdout, error };
    throw error;
  } finally {
    write.mockRestore();
  }
}

/** Edits the SQLite file behind the store's back, as someone with the file and DDL rights could. */
function tamper(dataDir: string, ...statements: string[]): void {
  const db = new SQLite(join(dataDir, "upshift.db"));
  try {
    db.exec("drop trigger audit_log_no_update; drop trigger audit_log_no_delete");
    for (const s of statements) db.exec(s);
  } finally {
    db.close();
  }
}

describe("upshift audit on the embedded store", () => {
  let dataDir: string;
  const savedUrl = process.env.UPSHIFT_DATABASE_URL;
  beforeEach(async () => {
    delete process.env.UPSHIFT_DATABASE_URL;
    dataDir = mkdtempSync(join(tmpdir(), "upshift-audit-cli-"));
    const store = await openStore({ dataDir });
    try {
      await new AuditRepository(store.database).append(
        Array.from({ length: 50 }, (_, i) => ({
          at: new Date(Date.UTC(2026, 10, 27, 10, i)).toISOString(),
          actor: "alice",
          action: "change.approve",
          subject: `CHG-${i}`,
          data: { level: i % 2, comment: "ok" },
        })),
      );
    } finally {
      await store.close();
    }
  });
  afterEach(() => {
    if (savedUrl !== undefined) process.env.UPSHIFT_DATABASE_URL = savedUrl;
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("verifies an intact chain and anchors its head to a file", async () => {
    const first = await audit(dataDir, "verify");
    expect(first.error).toBeUndefined();
    expect(first.stdout).toMatch(
      /^ok: audit chain intact: 50 entries verified without an anchor .*head is entry 50 /,
    );
    const file = join(dataDir, "anchor.json");
    const anchored = await audit(dataDir, "anchor", "--file", file);
    expect(anchored.stdout).toMatch(new RegExp(`^anchored entry 50 [0-9a-f]{64} at .*; written to ${file}`));
    expect(JSON.parse(readFileSync(file, "utf8"))).toMatchObject({ seq: 50 });
    const json = JSON.parse((await audit(dataDir, "verify", "--anchor", file, "--output", "json")).stdout);
    expect(json).toMatchObject({ valid: true, verified: 50, head: { seq: 50 }, anchor: { seq: 50 } });
  });

  it("exits 1 naming a truncated tail, against the anchor file or the anchor recorded in the store", async () => {
    const file = join(dataDir, "anchor.json");
    await audit(dataDir, "anchor", "--file", file);
    tamper(dataDir, "delete from audit_log where seq > 45");
    for (const args of [["--anchor", file], []]) {
      const { error } = await audit(dataDir, "verify", ...args);
      expect(error?.exitCode).toBe(1);
      expect(error?.message).toContain("it ends at entry 45 but the anchor records entry 50");
    }
  });

  it("names an edited entry in JSON and exits 1", async () => {
    tamper(dataDir, `update audit_log set data = '{"comment":"ok","level":9}' where seq = 7`);
    const { stdout, error } = await audit(dataDir, "verify", "--output", "json");
    expect(error?.exitCode).toBe(1);
    expect(error?.message).toMatch(/^audit chain tampered: entry 7 was edited/);
    expect(JSON.parse(stdout)).toMatchObject({
      valid: false,
      verified: 6,
      finding: { kind: "edited", seq: 7 },
    });
  });

  it("refuses an anchor file that is not one", async () => {
    const file = join(dataDir, "anchor.json");
    writeFileSync(file, '{"seq": 50, "hash": "not hex"}');
    await expect(audit(dataDir, "verify", "--anchor", file)).rejects.toThrow(/64 lower-case hex/);
  });
});
