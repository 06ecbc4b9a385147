// Several processes write one SQLite store (a server, an engine process, the CLI). A transaction
// that reads and then writes must not fail because another process committed in between: with
// Kysely's deferred transactions it did, at once, with "database is locked" (SQLITE_BUSY_SNAPSHOT),
// which is how the control-plane kill test failed now and then.
import { spawn } from "node:child_process";
import { once } from "node:events";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { sql } from "kysely";
import { afterEach, describe, expect, it } from "vitest";
import { openDatabase } from "./database.js";

const REPO = fileURLToPath(new URL("../../", import.meta.url));
const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** Another process that appends `row` to probe as soon as SQLite lets it, and says when it has. */
function otherWriter(file: string, row: string) {
  const code = `const D = require("better-sqlite3"); const d = new D(${JSON.stringify(file)});
    d.pragma("busy_timeout = 5000"); d.prepare("insert into probe values (?)").run(${JSON.stringify(row)});
    console.log("committed");`;
  const child = spawn(process.execPath, ["-e", code], { cwd: REPO, stdio: ["ignore", "pipe", "inherit"] });
  let output = "";
  child.stdout.on("data", (chunk) => {
    output += chunk;
  });
  return { child, committed: () => output.includes("committed") };
}

describe("SQLite store transactions", () => {
  it("read, then write, while another process writes: nothing fails and the other waits its turn", async () => {
    const dir = mkdtempSync(join(tmpdir(), "upshift-immediate-"));
    dirs.push(dir);
    const database = await openDatabase({ dataDir: dir });
    try {
      await sql`create table probe (who text)`.execute(database.db);
      let other: ReturnType<typeof otherWriter> | undefined;
      await database.db.transaction().execute(async (trx) => {
        await sql`select count(*) from probe`.execute(trx);
        other = otherWriter(database.location, "other");
        // Long enough for the other process to start and commit if SQLite let it (about 100 ms).
        const until = Date.now() + 2_000;
        while (!other.committed() && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
        expect(other.committed(), "the other process committed inside our transaction").toBe(false);
        await sql`insert into probe values ('ours')`.execute(trx);
      });
      if (other === undefined) throw new Error("the other writer never started");
      const [code] = await once(other.child, "exit");
      expect(code).toBe(0);
      const rows = await sql<{ who: string }>`select who from probe order by rowid`.execute(database.db);
      expect(rows.rows.map((r) => r.who)).toEqual(["ours", "other"]);
    } finally {
      await database.close();
    }
  }, 20_000);
});
