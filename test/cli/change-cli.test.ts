import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { strFromU8, unzipSync } from "fflate";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { verifyChain } from "../../src/core/audit/chain-verification.js";
import { runCli, startCliServer } from "../support/cli.js";
import { PG_URL } from "../support/store-targets.js";

type Backend = {
  name: string;
  env: () => Record<string, string>;
  setup: () => Promise<void>;
  teardown: () => Promise<void>;
};

const dataDir = mkdtempSync(join(tmpdir(), "upshift-change-cli-"));
const pgDatabase = `upshift_change_cli_${process.pid}`;
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

describe.each(backends)("a normal change New → Closed through the CLI on $name", (backend) => {
  beforeAll(() => backend.setup());
  afterAll(() => backend.teardown());

  it("is refused a run until two identities approve it, runs inside its window, and closes after review", async () => {
    const env = backend.env();
    const token = (name: string, role: string, ...more: string[]) => {
      const r = runCli(["token", "create", "--name", name, "--role", role, ...more], env);
      expect(r.code, r.stderr).toBe(0);
      return r.stdout.trim();
    };
    const ann = token("ann", "admin");
    const rita = token("rita", "approver", "--identity", "rita@example.com", "--groups", "app-owners");
    const alice = token(
      "alice-laptop",
      "approver",
      "--identity",
      "alice@example.com",
      "--groups",
      "app-owners",
    );
    const bob = token("bob", "approver", "--identity", "bob@example.com", "--groups", "cab,dba");
    const otto = token("otto", "operator");
    const listed = JSON.parse(runCli(["token", "list", "-o", "json"], env).stdout) as {
      name: string;
      identity: string;
      groups: string[];
    }[];
    expect(listed.find((t) => t.name === "bob")).toMatchObject({
      identity: "bob@example.com",
      groups: ["cab", "dba"],
    });
    expect(
      runCli(["token", "create", "--name", "x", "--role", "viewer", "--groups", "Bad Group"], env).code,
    ).toBe(1);

    const server = await startCliServer([], env);
    try {
      const as = (t: string) => ({ ...env, UPSHIFT_URL: server.url, UPSHIFT_TOKEN: t });
      const cli = (t: string, ...args: string[]) => runCli(args, as(t));
      expect(cli(ann, "apply", "-f", "test/fixtures/change-fleet.yaml").code).toBe(0);

      const refused = cli(otto, "run", "start", "--release", "r1", "--env", "prod");
      expect(refused.code).toBe(3);
      expect(refused.stderr).toContain("prod is protected");
      expect(refused.stderr).toMatch(/this request created CHG-1 \(normal, New, requested by otto\)/);
      expect(cli(otto, "run", "start", "--release", "r1", "--env", "prod").stderr).toContain(
        "CHG-1 is New; next:",
      );
      expect(
        cli(otto, "change", "cancel", "CHG-1", "--reason", "made by the run request; rita plans it").code,
      ).toBe(0);

      const start = new Date(Date.now() - 60_000).toISOString();
      const end = new Date(Date.now() + 3_600_000).toISOString();
      expect(
        cli(rita, "change", "create", "--release", "r1", "--env", "prod", "--start", "tomorrow").code,
      ).toBe(2);
      const created = cli(
        rita,
        "change",
        "create",
        "--release",
        "r1",
        "--env",
        "prod",
        "--start",
        start,
        "--end",
        end,
      );
      expect(created.code, created.stderr).toBe(0);
      const number = created.stdout.trim();
      expect(number).toMatch(/^CHG-\d+$/);

      const risk = cli(otto, "change", "risk", number);
      expect(risk.stdout).toMatch(new RegExp(`^Risk of ${number}: `));
      expect(risk.stdout).toContain("blast radius");
      expect(risk.stdout).toContain("web (tier 2)");
      const riskJson = JSON.parse(cli(otto, "change", "risk", number, "-o", "json").stdout);
      expect(riskJson.factors).toHaveLength(8);

      expect(cli(rita, "change", "close", number).code).toBe(3);
      expect(cli(rita, "change", "submit", number).stdout.trim()).toBe(`${number}: Assess`);
      expect(cli(rita, "change", "authorize", number).stdout.trim()).toBe(`${number}: Authorize`);

      const inbox = cli(alice, "change", "list", "--awaiting-me", "-o", "json");
      expect(JSON.parse(inbox.stdout).map((c: { number: string }) => c.number)).toEqual([number]);
      expect(JSON.parse(cli(bob, "change", "list", "--awaiting-me", "-o", "json").stdout)).toEqual([]);

      const self = cli(rita, "approve", number);
      expect(self.code).toBe(3);
      expect(self.stderr).toContain("rita@example.com requested this change and cannot approve it");
      expect(cli(bob, "reject", number).code).toBe(2); // --comment is required

      const first = cli(alice, "approve", number, "--comment", "owners agree");
      expect(first.code, first.stderr).toBe(0);
      expect(first.stdout).toContain("Authorize");
      const second = cli(bob, "approve", number);
      expect(second.code, second.stderr).toBe(0);
      expect(second.stdout).toContain("Scheduled, authorized");

      const shown = cli(otto, "change", "show", number);
      expect(shown.stdout).toContain("alice@example.com approved for app-owners: owners agree");
      expect(shown.stdout).toContain("undo wave");

      // The CLI's `run start` plans rollout steps, for which this branch has no handler yet: start a
      // run of wait steps through the API instead; the gate is the same route.
      const res = await fetch(`${server.url}/v1/runs`, {
        method: "POST",
        headers: { authorization: `Bearer ${otto}`, "content-type": "application/json" },
        body: JSON.stringify({
          plan: {
            release: "r1",
            environment: "prod",
            steps: [{ key: "w", kind: "wait", wave: 0, dependsOn: [], input: { duration: 0.2 } }],
          },
        }),
      });
      expect(res.status, await res.clone().text()).toBe(201);
      const runId = ((await res.json()) as { id: string }).id;

      const deadline = Date.now() + 30_000;
      let view: { state: string; outcome: string | null; runs: { runId: string }[] } = {
        state: "",
        outcome: null,
        runs: [],
      };
      while (Date.now() < deadline) {
        view = JSON.parse(cli(otto, "change", "show", number, "-o", "json").stdout);
        if (view.state === "Review") break;
        await new Promise((r) => setTimeout(r, 300));
      }
      expect(view).toMatchObject({ state: "Review", outcome: "successful", runs: [{ runId }] });
      expect(cli(rita, "change", "close", number).stdout.trim()).toBe(`${number}: Closed`);
      const history = JSON.parse(cli(otto, "change", "show", number, "-o", "json").stdout).history.map(
        (h: { to: string }) => h.to,
      );
      expect(history).toEqual(["Assess", "Authorize", "Scheduled", "Implement", "Review", "Closed"]);
      const verify = cli(ann, "audit", "verify");
      expect(verify.code, verify.stderr + verify.stdout).toBe(0);

      const zipFile = join(tmpdir(), `evidence-${process.pid}-${backend.name}.zip`);
      try {
        const exported = cli(ann, "audit", "export", "--change", number, "--out", zipFile);
        expect(exported.code, exported.stderr).toBe(0);
        expect(exported.stdout).toContain("chain segment intact");
        const files = unzipSync(readFileSync(zipFile));
        const text = (name: string) => strFromU8(files[`${number}/${name}`] ?? new Uint8Array());
        expect(Object.keys(files).sort()).toEqual(
          [
            "SUMMARY.md",
            "approvals.json",
            "audit-proof.json",
            "audit-segment.json",
            "change.json",
            "communications.json",
            "plan.json",
            "risk.json",
            "risk.txt",
            "runs.json",
          ].map((f) => `${number}/${f}`),
        );
        const approvals = JSON.parse(text("approvals.json")) as { identity: string; at: string }[];
        expect(approvals.map((a) => a.identity)).toEqual(["alice@example.com", "bob@example.com"]);
        const proof = JSON.parse(text("audit-proof.json"));
        const segment = JSON.parse(text("audit-segment.json"));
        expect(verifyChain(segment, { start: proof.start })).toMatchObject({ kind: "intact" });
        expect(
          segment
            .filter((r: { subject: string }) => r.subject === number)
            .map((r: { action: string }) => r.action),
        ).toEqual(
          expect.arrayContaining([
            "change.create",
            "change.approval-requested",
            "change.approve",
            "change.transition",
            "change.link-run",
          ]),
        );
        expect(JSON.parse(text("runs.json"))[0].events.length).toBeGreaterThan(0);
        expect(text("SUMMARY.md")).toContain(`# Evidence for ${number}`);
        expect(text("SUMMARY.md")).toContain("| bob@example.com | approved | cab |");
        expect(cli(ann, "audit", "export", "--change", "CHG-999", "--out", zipFile).code).toBe(1);
      } finally {
        rmSync(zipFile, { force: true });
      }
    } finally {
      await server.stop();
    }
  }, 180_000);
});
