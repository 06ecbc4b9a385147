import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { lintMigration } from "./lint-migration.js";
import { breakingInExpand } from "./lint-migration-set.js";
import { buildLintReport, formatLintReport } from "./lint-report.js";
import { loadSqlParser } from "./sql-statements.js";

beforeAll(loadSqlParser);

const lint = (text: string, file = "V3__change.sql") => lintMigration(file, text).lint;
const LOCKED = "SET lock_timeout = '2s';\nSET statement_timeout = '5s';\n";

describe("acknowledgements", () => {
  it("suppress exactly the named rule on the statement right below", () => {
    const result = lint(
      `-- upshift: phase=contract\n${LOCKED}` +
        "-- upshift-lint-ack: drop-column reports stopped reading it in v41\n" +
        "ALTER TABLE users DROP COLUMN IF EXISTS nickname;\n" +
        "ALTER TABLE users DROP COLUMN IF EXISTS middle_name;\n",
    );
    const drops = result.findings.filter((f) => f.ruleId === "drop-column");
    expect(drops.map((f) => [f.line, f.acknowledged?.reason ?? null])).toEqual([
      [5, "reports stopped reading it in v41"],
      [6, null],
    ]);
  });

  it("apply through a block of adjacent comments but not across a blank line", () => {
    const stacked = lint(
      `${LOCKED}-- upshift-lint-ack: create-index-non-concurrently table has 40 rows\n-- upshift-lint-ack: non-idempotent-statement runs in a fresh schema\n/* context */\nCREATE INDEX i ON users (a);`,
    );
    expect(stacked.findings.filter((f) => f.acknowledged === null)).toEqual([]);
    const detached = lint(
      `${LOCKED}-- upshift-lint-ack: create-index-non-concurrently small table\n\nCREATE INDEX IF NOT EXISTS i ON users (a);`,
    );
    const index = detached.findings.find((f) => f.ruleId === "create-index-non-concurrently");
    expect(index?.acknowledged).toBeNull();
    expect(index?.blocking).toBe(true);
  });

  it("without a reason, are reported and do not unblock the statement", () => {
    const result = lint(
      `${LOCKED}-- upshift-lint-ack: create-index-non-concurrently\nCREATE INDEX IF NOT EXISTS i ON users (a);`,
    );
    expect(result.findings.map((f) => `${f.line}:${f.column} ${f.ruleId} ${f.blocking}`)).toEqual([
      "3:1 ack-missing-reason true",
      "4:1 create-index-non-concurrently true",
    ]);
  });

  it("cannot make a breaking statement acceptable in an expand migration", () => {
    const result = lint(
      `-- upshift: phase=expand\n${LOCKED}-- upshift-lint-ack: drop-column I know what I am doing\nALTER TABLE users DROP COLUMN IF EXISTS a;`,
    );
    const [drop] = breakingInExpand(result);
    expect(drop?.ruleId).toBe("drop-column");
    expect(drop?.acknowledged?.reason).toBe("I know what I am doing");
    expect(drop?.blocking).toBe(true);
    expect(result.blocking).toBe(true);
  });
});

describe("options", () => {
  it("trust the timeouts the executor sets itself, and only those", () => {
    const sql = "ALTER TABLE users ADD COLUMN IF NOT EXISTS a text;";
    const rules = (presetTimeouts: ("lock_timeout" | "statement_timeout")[]) =>
      lintMigration("V1__a.sql", sql, { postgresMajor: 17, presetTimeouts }).lint.findings.map(
        (f) => f.ruleId,
      );
    expect(rules([])).toEqual(["require-lock-timeout", "require-statement-timeout"]);
    expect(rules(["lock_timeout"])).toEqual(["require-statement-timeout"]);
    expect(rules(["lock_timeout", "statement_timeout"])).toEqual([]);
  });
});

describe("phases", () => {
  it("take the header over inference", () => {
    const result = lint("-- upshift: phase=migrate\nALTER TABLE users ADD COLUMN IF NOT EXISTS a text;");
    expect([result.phase, result.phaseSource]).toEqual(["migrate", "header"]);
  });

  it("are inferred: contract for breaking statements, migrate for data only, expand otherwise", () => {
    const contract = lint(`${LOCKED}ALTER TABLE users DROP COLUMN IF EXISTS a;`);
    expect([contract.phase, contract.phaseSource]).toEqual(["contract", "inferred"]);
    expect(contract.phaseReason).toBe("line 3 breaks old clients (drop-column)");
    expect(contract.blocking).toBe(false); // a drop in contract is expected: a warning only
    expect(lint("BEGIN;\nUPDATE users SET a = lower(a) WHERE id < 1000;\nCOMMIT;").phase).toBe("migrate");
    expect(lint(`${LOCKED}ALTER TABLE users ADD COLUMN IF NOT EXISTS a text;`).phase).toBe("expand");
  });

  it("say so when there is nothing to infer from", () => {
    const broken = lint("ALTER TABLE users ADD COLUMN;");
    expect([broken.phase, broken.phaseReason, broken.blocking]).toEqual([
      "expand",
      "no statement could be read",
      true,
    ]);
  });

  it("report breaking statements only for expand migrations", () => {
    const sql = `${LOCKED}ALTER TABLE users RENAME COLUMN a TO b;\nALTER TABLE users ADD COLUMN IF NOT EXISTS c text;`;
    expect(
      breakingInExpand(lint(`-- upshift: phase=expand\n${sql}`)).map((f) => `${f.line} ${f.ruleId}`),
    ).toEqual(["4 rename-column"]);
    expect(breakingInExpand(lint(`-- upshift: phase=contract\n${sql}`))).toEqual([]);
    expect(
      breakingInExpand(
        lint(`-- upshift: phase=expand\n${LOCKED}ALTER TABLE users ADD COLUMN IF NOT EXISTS c text;`),
      ),
    ).toEqual([]);
  });

  it("mark findings not allowed in the declared phase", () => {
    const result = lint(`-- upshift: phase=migrate\n${LOCKED}ALTER TABLE users DROP COLUMN IF EXISTS a;`);
    const drop = result.findings.find((f) => f.ruleId === "drop-column");
    expect([drop?.phaseViolation, drop?.blocking]).toEqual([true, true]);
  });
});

describe("reports", () => {
  const sample = `${LOCKED}\nCREATE INDEX IF NOT EXISTS users_email_idx\n  ON users (email);\n-- upshift-lint-ack: drop-column unused since v12\nALTER TABLE users DROP COLUMN IF EXISTS x;`;

  it("print findings like a compiler, with a summary", () => {
    const report = buildLintReport([lint(sample, "db/V7__email_index.sql")]);
    expect(formatLintReport(report)).toBe(
      [
        "db/V7__email_index.sql:4:1 create-index-non-concurrently error: CREATE INDEX users_email_idx on users blocks writes for the whole build",
        "1 file(s), 4 statement(s): 1 error(s), 0 warning(s), 1 acknowledged, 1 blocking",
      ].join("\n"),
    );
    expect(formatLintReport(report, { verbose: true, showAcknowledged: true })).toContain(
      "db/V7__email_index.sql:7:1 drop-column warning: drops column users.x [acknowledged: unused since v12]",
    );
  });

  it("survive a JSON round trip unchanged", () => {
    const report = buildLintReport([lint(sample)]);
    expect(JSON.parse(JSON.stringify(report))).toEqual(report);
    expect(report.summary).toEqual({
      files: 1,
      statements: 4,
      errors: 1,
      warnings: 0,
      acknowledged: 1,
      blocking: 1,
    });
    expect(report.blocking).toBe(true);
  });
});

describe("robustness", () => {
  const fragments = [
    "ALTER TABLE users ",
    "ADD COLUMN a int ",
    "DROP COLUMN b ",
    "CREATE INDEX CONCURRENTLY i ON users (a)",
    "BEGIN",
    "COMMIT",
    ";",
    "\n",
    "-- upshift-lint-ack: drop-column why\n",
    "/* é /* nested */ */",
    "'ERROR'",
    "'unterminated",
    "$$ body; $$",
    "😀",
    "SET lock_timeout = '1s'",
    "NOT NULL DEFAULT random()",
  ];

  it("never throws, and places every finding inside the file (property)", () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...fragments), { maxLength: 12 }), (parts) => {
        const text = parts.join("");
        const lines = text.split("\n");
        const result = lintMigration("V1__fuzz.sql", text).lint;
        return result.findings.every(
          (f) =>
            f.line >= 1 &&
            f.line <= lines.length &&
            f.column >= 1 &&
            f.column <= (lines[f.line - 1]?.length ?? 0) + 1,
        );
      }),
      { numRuns: 300 },
    );
  });
});
