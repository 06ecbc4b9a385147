import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { EffectLog } from "../../src/adapters/drivers/test/effect-log.js";
import type { PlannedStep, RunPlan } from "../../src/core/run/run-plan.js";
import { runCli, startCliServer } from "../support/cli.js";
import { PG_URL } from "../support/store-targets.js";

export type Replica = Awaited<ReturnType<typeof startCliServer>>;

/** A test cluster: one store (SQLite dir or a fresh PostgreSQL database), an effect log, a token. */
export class Cluster {
  readonly dir = mkdtempSync(join(tmpdir(), "upshift-crash-"));
  readonly effectsFile = join(this.dir, "effects.log");
  readonly effects = new EffectLog(this.effectsFile);
  readonly replicas: Replica[] = [];
  token = "";
  private readonly pgDatabase: string | undefined;

  constructor(
    readonly backend: "sqlite" | "postgres",
    readonly leaseMs: number,
  ) {
    this.pgDatabase =
      backend === "postgres" ? `upshift_crash_${process.pid}_${Date.now().toString(36)}` : undefined;
  }

  get env(): Record<string, string> {
    const base = { UPSHIFT_TEST_EFFECTS_FILE: this.effectsFile, UPSHIFT_LEASE_MS: String(this.leaseMs) };
    if (this.backend === "sqlite") return { ...base, UPSHIFT_DATA_DIR: join(this.dir, "data") };
    const url = new URL(PG_URL ?? "");
    url.pathname = `/${this.pgDatabase}`;
    return { ...base, UPSHIFT_DATABASE_URL: url.toString() };
  }

  private async admin(sql: string): Promise<void> {
    const c = new pg.Client({ connectionString: PG_URL });
    await c.connect();
    try {
      await c.query(sql);
    } finally {
      await c.end();
    }
  }

  /** A query on the cluster's own store (PostgreSQL only). */
  async query<T>(sql: string, params: unknown[] = []): Promise<T[]> {
    const c = new pg.Client({ connectionString: this.env.UPSHIFT_DATABASE_URL });
    await c.connect();
    try {
      return (await c.query(sql, params)).rows as T[];
    } finally {
      await c.end();
    }
  }

  async setup(): Promise<void> {
    if (this.pgDatabase) await this.admin(`create database ${this.pgDatabase}`);
    const created = runCli(["token", "create", "--name", "crash-test", "--role", "admin"], this.env);
    if (created.code !== 0) throw new Error(`token create failed: ${created.stderr}`);
    this.token = created.stdout.trim();
  }

  async startReplica(): Promise<Replica> {
    const replica = await startCliServer([], this.env);
    this.replicas.push(replica);
    return replica;
  }

  async teardown(): Promise<void> {
    await Promise.all(this.replicas.map((r) => r.stop("SIGKILL")));
    if (this.pgDatabase) await this.admin(`drop database if exists ${this.pgDatabase} with (force)`);
    rmSync(this.dir, { recursive: true, force: true });
  }

  async api<T>(url: string, method: string, path: string, body?: unknown): Promise<T> {
    const res = await fetch(`${url}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${this.token}`,
        ...(body ? { "content-type": "application/json" } : {}),
      },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${text}`);
    return JSON.parse(text) as T;
  }
}

/** A plan of `steps` test steps in waves of two, each applying two effects after `sleepMs`. */
export function testPlan(name: string, steps: number, sleepMs: number, failAt?: number): RunPlan {
  const planned: PlannedStep[] = [];
  for (let i = 0; i < steps; i++) {
    const wave = Math.floor(i / 2);
    const previous = planned.filter((p) => p.wave === wave - 1).map((p) => p.key);
    planned.push({
      key: `s${i}`,
      kind: "test",
      service: `${name}-svc${i}`,
      wave,
      dependsOn: previous,
      input: { effects: ["a", "b"], sleepMs, ...(i === failAt ? { fail: true } : {}) },
    });
  }
  return { release: name, environment: "crash", steps: planned };
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
