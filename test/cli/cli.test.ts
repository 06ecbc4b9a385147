import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli, startCliServer } from "../support/cli.js";
import { PG_URL } from "../support/store-targets.js";

describe("upshift CLI without a server", () => {
  it("validates the examples (exit 0) and reports every mistake of a file with line:column (exit 1)", () => {
    const ok = runCli(["validate", "examples/"]);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/ok: \d+ documents in \d+ files are valid/);
    const bad = runCli(["validate", "test/fixtures/ten-mistakes.yaml"]);
    expect(bad.code).toBe(1);
    const lines = bad.stderr.trim().split("\n");
    expect(lines.filter((l) => /^test\/fixtures\/ten-mistakes\.yaml:\d+:\d+ /.test(l))).toHaveLength(12);
    expect(lines.at(-1)).toBe("error: 12 problems in 1 file");
    const json = JSON.parse(
      runCli(["validate", "test/fixtures/ten-mistakes.yaml", "--output", "json"]).stdout,
    );
    expect(json.valid).toBe(false);
    expect(new Set(json.problems.map((p: { code: string }) => p.code)).size).toBeGreaterThanOrEqual(10);
  });

  it("refuses a 50 MB file without reading it", () => {
    const dir = mkdtempSync(join(tmpdir(), "upshift-big-"));
    try {
      const file = join(dir, "big.yaml");
      writeFileSync(file, Buffer.alloc(50 * 1024 * 1024, 0x61));
      const started = Date.now();
      const r = runCli(["validate", file]);
      expect(r.code).toBe(1);
      expect(r.stderr).toContain("input.too-large");
      expect(Date.now() - started).toBeLessThan(5000);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("uses exit 2 for usage errors and 4 when the server cannot be reached", () => {
    expect(runCli(["frobnicate"]).code).toBe(2);
    expect(runCli(["get", "service", "--output", "xml"]).code).toBe(2);
    const r = runCli(["get", "service", "--server", "http://127.0.0.1:9"]);
    expect(r.code).toBe(4);
    expect(r.stderr).toContain("cannot reach the Upshift server");
    expect(runCli(["--help"]).code).toBe(0);
  });

  it("init writes a workspace that validates, and never overwrites", () => {
    const dir = mkdtempSync(join(tmpdir(), "upshift-init-"));
    try {
      expect(runCli(["init", join(dir, "ws")]).code).toBe(0);
      expect(runCli(["validate", join(dir, "ws")]).code).toBe(0);
      expect(runCli(["init", join(dir, "ws")]).code).toBe(1);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

type Backend = {
  name: string;
  env: () => Record<string, string>;
  setup: () => Promise<void>;
  teardown: () => Promise<void>;
};

const dataDir = mkdtempSync(join(tmpdir(), "upshift-cli-"));
const pgDatabase = `upshift_cli_${process.pid}`;
const backends: Backend[] = [
  {
    name: "sqlite",
    env: () => ({ UPSHIFT_DATA_DIR: dataDir }),
    setup: async () => {},
    teardown: async () => rmSync(dataDir, { recursive: true, force: true }),
  },
];
if (PG_URL) {
  const admin = async (sql: string) => {
    const c = new pg.Client({ connectionString: PG_URL });
    await c.connect();
    try {
      await c.query(sql);
    } finally {
      await c.end();
    }
  };
  const url = new URL(PG_URL);
  url.pathname = `/${pgDatabase}`;
  backends.push({
    name: "postgres",
    env: () => ({ UPSHIFT_DATABASE_URL: url.toString() }),
    setup: () => admin(`create database ${pgDatabase}`),
    teardown: () => admin(`drop database if exists ${pgDatabase} with (force)`),
  });
}

describe.each(backends)("upshift CLI against a server on $name", (backend) => {
  beforeAll(() => backend.setup());
  afterAll(() => backend.teardown());

  it("creates a token on the store, serves, applies, gets, refuses bad input and stops on SIGTERM", async () => {
    const env = backend.env();
    const created = runCli(["token", "create", "--name", "ops", "--role", "admin"], env);
    expect(created.code).toBe(0);
    const token = created.stdout.trim();
    expect(token).toMatch(/^upshift_/);
    expect(runCli(["token", "list", "--output", "json"], env).stdout).not.toContain(token);

    const server = await startCliServer([], env);
    try {
      const health = await fetch(`${server.url}/healthz`);
      expect(health.status).toBe(200);
      const conn = { ...env, UPSHIFT_URL: server.url, UPSHIFT_TOKEN: token };
      expect(runCli(["get", "service"], { ...env, UPSHIFT_URL: server.url }).code).toBe(1);
      const applied = runCli(["apply", "-f", "examples/workspace", "--output", "json"], conn);
      expect(applied.code, applied.stderr).toBe(0);
      expect(JSON.parse(applied.stdout).applied).toHaveLength(10);
      const services = JSON.parse(runCli(["get", "services", "-o", "json"], conn).stdout);
      expect(services.map((s: { metadata: { name: string } }) => s.metadata.name)).toEqual([
        "inventory",
        "orders",
        "payments",
        "web",
      ]);
      const table = runCli(["get", "release"], conn).stdout;
      expect(table).toMatch(/^NAME\s+GENERATION/);
      expect(table).toContain("r2027-01");
      const bad = runCli(["apply", "-f", "test/fixtures/ten-mistakes.yaml"], conn);
      expect(bad.code).toBe(1);
      expect(bad.stderr).toContain("test/fixtures/ten-mistakes.yaml:37:15 ref.unknown-service");
      const planned = runCli(["plan", "--release", "r2027-01", "--env", "staging", "-o", "json"], conn);
      expect(planned.code, planned.stderr).toBe(0);
      expect(JSON.parse(planned.stdout)).toMatchObject({ release: "r2027-01", feasible: true });
      const started = runCli(["run", "start", "--release", "r2027-01", "--env", "staging"], conn);
      expect(started.code, started.stderr).toBe(0);
      const runId = started.stdout.trim();
      const status = JSON.parse(runCli(["run", "status", runId, "-o", "json"], conn).stdout);
      expect(status).toMatchObject({ id: runId, phase: expect.any(String), steps: expect.any(Array) });
      expect(status.steps[0]).toEqual(
        expect.objectContaining({
          id: expect.any(String),
          kind: expect.any(String),
          state: expect.any(String),
          attempt: expect.any(Number),
        }),
      );
      expect(runCli(["run", "abort", runId, "--reason", "test"], conn).code).toBe(0);
      expect(runCli(["run", "list", "-o", "json"], conn).stdout).toContain(runId);
      const yaml = runCli(["get", "service", "orders"], conn).stdout;
      expect(yaml).toContain("version: 2.3.0");
      expect(server.output()).not.toContain(token);
    } finally {
      expect(await server.stop("SIGTERM")).toBe(0);
    }
  });
});

describe("token secrets", () => {
  it("never appear in the server log even at debug level", async () => {
    const dir = mkdtempSync(join(tmpdir(), "upshift-log-"));
    try {
      const token = runCli(["token", "create", "--name", "a", "--role", "viewer"], {
        UPSHIFT_DATA_DIR: dir,
      }).stdout.trim();
      const server = await startCliServer(["--log-level", "debug"], { UPSHIFT_DATA_DIR: dir });
      await fetch(`${server.url}/v1/whoami`, { headers: { authorization: `Bearer ${token}` } });
      await fetch(`${server.url}/v1/whoami`, { headers: { authorization: `Bearer ${token}x` } });
      await server.stop();
      expect(server.output()).toContain("whoami");
      expect(server.output()).not.toContain(token);
      expect(readFileSync(join(dir, "upshift.db")).includes(Buffer.from(token))).toBe(false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("upshift plan from files", () => {
  it("prints waves (exit 0), JSON in the documented shape, Mermaid and DOT", () => {
    const table = runCli(["plan", "-f", "examples/workspace", "--release", "r2027-01"]);
    expect(table.code, table.stderr).toBe(0);
    expect(table.stdout).toMatch(/rollout\s+payments\s+2\.1\.0 → 3\.0\.0/);
    const json = JSON.parse(
      runCli(["plan", "-f", "examples/workspace", "--release", "r2027-01", "--env", "prod", "-o", "json"])
        .stdout,
    );
    expect(Object.keys(json).sort()).toEqual([
      "conflicts",
      "cycles",
      "environments",
      "estimate",
      "feasible",
      "release",
    ]);
    expect(json.environments.map((e: { name: string }) => e.name)).toEqual(["prod"]);
    expect(json.environments[0].waves[0]).toEqual(
      expect.objectContaining({
        index: 0,
        estimateSeconds: expect.any(Number),
        backoutSeconds: expect.any(Number),
      }),
    );
    expect(
      runCli(["plan", "-f", "examples/workspace", "--release", "r2027-01", "-o", "mermaid"]).stdout,
    ).toMatch(/^flowchart/);
    expect(runCli(["plan", "-f", "examples/workspace", "--release", "r2027-01", "-o", "dot"]).stdout).toMatch(
      /^digraph/,
    );
  });

  it("exits 3 with the conflict and suggestions when no order exists, 1 on invalid documents", () => {
    const r = runCli(["plan", "-f", "test/fixtures/plan-mutual-break.yaml", "--release", "big-bang"]);
    expect(r.code).toBe(3);
    expect(r.stdout).toContain(
      "suggestion: let payments 3.0.0 keep providing payments-api 2.0.0 until orders moves",
    );
    expect(runCli(["plan", "-f", "test/fixtures/ten-mistakes.yaml", "--release", "r1"]).code).toBe(1);
    expect(runCli(["plan", "-f", "examples/workspace", "--release", "nope"]).code).toBe(1);
  });
});

describe("upshift calendar and schedule from files", () => {
  it("checks a release's bookings against a concurrent track and schedules a cutover across regions", () => {
    const cal = ["-f", "examples/calendar"];
    const busy = runCli([
      "calendar",
      "check",
      ...cal,
      "--env",
      "staging-eu",
      "--release",
      "ledger-3",
      "--start",
      "2027-03-02T09:00:00Z",
      "--end",
      "2027-03-02T10:00:00Z",
      "-o",
      "json",
    ]);
    expect(busy.code).toBe(3);
    expect(JSON.parse(busy.stdout).conflicts).toEqual([
      expect.objectContaining({ kind: "resource", resource: "qa-env", bookings: ["search-5-1: load tests"] }),
    ]);
    const staging = JSON.parse(
      runCli([
        "schedule",
        ...cal,
        "--release",
        "ledger-3",
        "--env",
        "staging-eu",
        "--after",
        "2027-03-02T07:00:00Z",
        "--count",
        "1",
        "-o",
        "json",
      ]).stdout,
    );
    // qa-env is held by search-5-1 until 13:00Z.
    expect(staging.slots[0].start).toBe("2027-03-02T13:00:00Z");
    const sun = runCli([
      "schedule",
      ...cal,
      "--release",
      "ledger-3",
      "--env",
      "prod-ap",
      "prod-eu",
      "prod-us",
      "--after",
      "2027-03-01T00:00:00Z",
      "-o",
      "json",
    ]);
    expect(sun.code).toBe(0);
    expect(JSON.parse(sun.stdout)).toMatchObject({
      kind: "found",
      coverage: "follow-the-sun",
      waves: [
        { environment: "prod-ap", teams: ["sre-sydney"] },
        { environment: "prod-eu", teams: ["sre-berlin"] },
        { environment: "prod-us", start: "2027-03-02T13:00:00Z", teams: ["sre-nyc"] },
      ],
    });
    const none = runCli([
      "schedule",
      ...cal,
      "--release",
      "ledger-3",
      "--env",
      "prod-us",
      "--after",
      "2027-03-01T00:00:00Z",
      "--horizon-days",
      "1",
    ]);
    expect(none.code).toBe(3);
    expect(none.stdout).toContain("2027-03-01: audit regional-calendar/us-month-end (all day)");
    const unknown = runCli([
      "calendar",
      "check",
      ...cal,
      "--env",
      "prod-eu",
      "--release",
      "nope",
      "--start",
      "2027-03-02T09:00:00Z",
      "--end",
      "2027-03-02T10:00:00Z",
    ]);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('no Release named "nope" (known: search-5-1, ledger-3)');
  });

  it("lists conflicts of a slot (exit 3) or none (exit 0), shows an agenda and proposes slots", () => {
    const busy = runCli([
      "calendar",
      "check",
      "-f",
      "examples/workspace",
      "--env",
      "prod",
      "--service",
      "payments",
      "--start",
      "2027-01-05T10:00:00+01:00",
      "--end",
      "2027-01-05T11:00:00+01:00",
      "-o",
      "json",
    ]);
    expect(busy.code).toBe(3);
    const report = JSON.parse(busy.stdout);
    expect(report.conflicts[0]).toMatchObject({
      kind: "freeze",
      start: expect.any(String),
      end: expect.any(String),
      message: expect.stringContaining("business-hours-freeze"),
    });
    const free = runCli([
      "calendar",
      "check",
      "-f",
      "examples/workspace",
      "--env",
      "prod",
      "--service",
      "payments",
      "--start",
      "2027-01-05T18:00:00+01:00",
      "--end",
      "2027-01-05T19:00:00+01:00",
    ]);
    expect(free.code).toBe(0);
    const agenda = runCli([
      "calendar",
      "-f",
      "examples/workspace",
      "--env",
      "prod",
      "--from",
      "2027-01-04T00:00:00Z",
      "--to",
      "2027-01-05T00:00:00Z",
      "--tz",
      "Europe/Berlin",
    ]);
    expect(agenda.stdout).toContain("09:00–17:00 +01:00");
    const slots = JSON.parse(
      runCli([
        "schedule",
        "-f",
        "examples/workspace",
        "--release",
        "r2027-01",
        "--env",
        "prod",
        "--after",
        "2027-01-05T08:00:00Z",
        "-o",
        "json",
      ]).stdout,
    );
    expect(slots.kind).toBe("found");
    // Not inside the weekday 09:00–17:00 Berlin freeze (08:00–16:00 UTC in winter).
    expect(Date.parse(slots.slots[0].start)).toBeGreaterThanOrEqual(Date.parse("2027-01-05T16:00:00Z"));
    expect(
      runCli([
        "calendar",
        "check",
        "-f",
        "examples/workspace",
        "--env",
        "prod",
        "--start",
        "2027-01-05T10:00",
        "--end",
        "2027-01-05T11:00:00Z",
      ]).code,
    ).toBe(2);
  });
});
