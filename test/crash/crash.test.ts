import { afterEach, describe, expect, it } from "vitest";
import { seededRandom } from "../support/prng.js";
import { PG_URL } from "../support/store-targets.js";
import { Cluster, sleep, testPlan } from "./cluster.js";

interface RunView {
  id: string;
  release: string;
  phase: string;
  steps?: { id: string; state: string; attempt: number }[];
}

const STABLE = new Set(["Succeeded", "Failed", "RolledBack", "Aborted"]);
const backends: ("sqlite" | "postgres")[] = PG_URL ? ["sqlite", "postgres"] : ["sqlite"];
const clusters: Cluster[] = [];

afterEach(async () => {
  await Promise.all(clusters.splice(0).map((c) => c.teardown()));
});

async function startRuns(
  c: Cluster,
  url: string,
  count: number,
  steps: number,
  sleepMs: number,
): Promise<Map<string, string>> {
  const names = new Map<string, string>();
  for (let i = 0; i < count; i++) {
    const name = `run-${i}`;
    // Run 7 has a step that always fails: its terminal state must survive crashes too.
    const run = await c.api<RunView>(url, "POST", "/v1/runs", {
      plan: testPlan(name, steps, sleepMs, i === 7 ? 5 : undefined),
    });
    names.set(run.id, name);
  }
  return names;
}

/** Polls any live replica until every run is in a stable phase; returns those that never got there. */
async function settle(
  c: Cluster,
  urls: () => string[],
  ids: readonly string[],
  timeoutMs: number,
): Promise<{ phases: Map<string, string>; stuck: string[] }> {
  const phases = new Map<string, string>();
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    for (const id of ids) {
      if (STABLE.has(phases.get(id) ?? "")) continue;
      for (const url of urls()) {
        try {
          phases.set(id, (await c.api<RunView>(url, "GET", `/v1/runs/${id}`)).phase);
          break;
        } catch {
          // that replica may be down right now; try the next
        }
      }
    }
    if (ids.every((id) => STABLE.has(phases.get(id) ?? ""))) return { phases, stuck: [] };
    await sleep(200);
  }
  return { phases, stuck: ids.filter((id) => !STABLE.has(phases.get(id) ?? "")) };
}

/** Effect keys with run ids replaced by run names, so two clusters can be compared. */
function normalizedEffects(c: Cluster, names: Map<string, string>): string[] {
  return c.effects.read().map((e) => {
    const [runId, ...rest] = e.key.split("/");
    return [names.get(runId ?? "") ?? runId, ...rest].join("/");
  });
}

describe.each(backends)("crash safety on one node (%s)", (backend) => {
  it("20 runs x 10 steps survive 10 SIGKILLs at seeded points: same end states as an uncrashed run, no effect twice, none stuck", async () => {
    // Reference: the same runs, never crashed.
    const ref = new Cluster(backend, 1500);
    clusters.push(ref);
    await ref.setup();
    const refServer = await ref.startReplica();
    const refNames = await startRuns(ref, refServer.url, 20, 10, 20);
    const refResult = await settle(ref, () => [refServer.url], [...refNames.keys()], 60_000);
    expect(refResult.stuck).toEqual([]);
    const refPhase = new Map([...refResult.phases].map(([id, p]) => [refNames.get(id), p]));
    const refEffects = normalizedEffects(ref, refNames).sort();

    const c = new Cluster(backend, 1500);
    clusters.push(c);
    await c.setup();
    let server = await c.startReplica();
    const names = await startRuns(c, server.url, 20, 10, 20);
    const random = seededRandom(20261127);
    let kills = 0;
    for (let k = 0; k < 10; k++) {
      await sleep(100 + Math.floor(random() * 500));
      await server.stop("SIGKILL");
      kills++;
      server = await c.startReplica();
    }
    const result = await settle(c, () => [server.url], [...names.keys()], 90_000);
    const effects = normalizedEffects(c, names);
    const duplicates = effects.length - new Set(effects).size;
    const mismatched = [...result.phases]
      .filter(([id, p]) => refPhase.get(names.get(id)) !== p)
      .map(([id]) => names.get(id));
    console.log(
      `crash test (${backend}): runs ${names.size}, kills ${kills}, duplicates ${duplicates}, stuck ${result.stuck.length}, mismatched end states ${mismatched.length}, effects ${effects.length}`,
    );
    // When something differs, say why: each run's phase, message and failed steps.
    const diagnostics: string[] = [];
    const odd = [
      ...result.stuck,
      ...[...result.phases].filter(([id, p]) => refPhase.get(names.get(id)) !== p).map(([id]) => id),
    ];
    for (const id of odd.slice(0, 2)) {
      const detail = await c
        .api<RunView & { message: string }>(server.url, "GET", `/v1/runs/${id}`)
        .catch((e: unknown) => String(e));
      diagnostics.push(`${names.get(id)}: ${JSON.stringify(detail).slice(0, 1200)}`);
    }
    const why = `${diagnostics.join("\n")}\nserver log tail:\n${server.output().slice(-1500)}`;
    expect(duplicates).toBe(0);
    expect(result.stuck, why).toEqual([]);
    expect(mismatched, why).toEqual([]);
    expect([...refPhase.values()].filter((p) => p === "Failed")).toHaveLength(1);
    expect(effects.sort()).toEqual(refEffects);
  }, 240_000);
});

describe.runIf(PG_URL)("replicas on one PostgreSQL", () => {
  it("3 replicas, 50 runs: a SIGKILLed replica's steps are taken over within lease + 5 s, no effect twice, every run completes", async () => {
    const leaseMs = 2000;
    const c = new Cluster("postgres", leaseMs);
    clusters.push(c);
    await c.setup();
    const [r1, r2, r3] = [await c.startReplica(), await c.startReplica(), await c.startReplica()];
    if (!r1 || !r2 || !r3) throw new Error("replicas did not start");
    const names = new Map<string, string>();
    for (let i = 0; i < 50; i++) {
      const url = i % 2 === 0 ? r1.url : r2.url;
      // Steps long enough (150 ms) that the third replica is sure to hold some when it is killed,
      // even when a loaded machine starts it late.
      const run = await c.api<RunView>(url, "POST", "/v1/runs", { plan: testPlan(`multi-${i}`, 10, 150) });
      names.set(run.id, `multi-${i}`);
    }
    const pid = r3.child.pid;
    const holding = () =>
      c.query<{ id: string; run_id: string; key: string }>(
        "select id, run_id, key from steps where state = 'running' and lease_owner like $1",
        [`%:${pid}:%`],
      );
    for (let i = 0; i < 200 && (await holding()).length === 0; i++) await sleep(100);
    const killedAt = Date.now();
    await r3.stop("SIGKILL");
    // What the dead replica still held once it was gone: only other replicas can finish these.
    const held = await holding();
    expect(held.length).toBeGreaterThan(0);
    const result = await settle(c, () => [r1.url, r2.url], [...names.keys()], 120_000);
    const takeovers = await c.query<{ run_id: string; step_key: string; at: string }>(
      "select run_id, step_key, at from run_events where type = 'step.takeover'",
    );
    const delays = held.map((h) => {
      const t = takeovers.find((e) => e.run_id === h.run_id && e.step_key === h.key);
      return t === undefined ? Number.POSITIVE_INFINITY : Number(t.at) - killedAt;
    });
    const effects = c.effects.read().map((e) => e.key);
    const duplicates = effects.length - new Set(effects).size;
    const worst = Math.max(...delays);
    console.log(
      `replica test: runs ${names.size}, replicas 3, killed 1 holding ${held.length} steps, worst takeover ${worst} ms (lease ${leaseMs} ms), duplicates ${duplicates}, stuck ${result.stuck.length}`,
    );
    expect(result.stuck).toEqual([]);
    expect([...result.phases.values()].every((p) => p === "Succeeded")).toBe(true);
    expect(duplicates).toBe(0);
    expect(effects).toHaveLength(50 * 10 * 2);
    expect(worst).toBeLessThanOrEqual(leaseMs + 5000);
  }, 240_000);

  it("a replica paused past its lease (SIGSTOP) cannot write when it resumes: fencing", async () => {
    const c = new Cluster("postgres", 1000);
    clusters.push(c);
    await c.setup();
    const replicas = [await c.startReplica(), await c.startReplica()];
    const plan = testPlan("fenced", 1, 300);
    const first = plan.steps[0];
    if (!first) throw new Error("plan has no step");
    const run = await c.api<RunView>(replicas[0]?.url ?? "", "POST", "/v1/runs", {
      plan: {
        ...plan,
        steps: [{ ...first, input: { effects: ["a", "b", "c", "d", "e", "f"], sleepMs: 300 } }],
      },
    });
    while (c.effects.read().length < 1) await sleep(20);
    const [owner] = await c.query<{ lease_owner: string; lease_generation: number }>(
      "select lease_owner, lease_generation from steps where run_id = $1",
      [run.id],
    );
    const victim = replicas.find((r) => owner?.lease_owner.includes(`:${r.child.pid}:`));
    const survivor = replicas.find((r) => r !== victim);
    if (!victim || !survivor || victim.child.pid === undefined)
      throw new Error(`no replica owns the step (${owner?.lease_owner})`);
    process.kill(victim.child.pid, "SIGSTOP");
    const stoppedAt = Date.now();
    let phase = "";
    while (phase !== "Succeeded" && Date.now() - stoppedAt < 30_000) {
      phase = (await c.api<RunView>(survivor.url, "GET", `/v1/runs/${run.id}`)).phase;
      await sleep(100);
    }
    process.kill(victim.child.pid, "SIGCONT");
    await sleep(2000);
    const effects = c.effects.read();
    const keys = effects.map((e) => e.key);
    const [step] = await c.query<{ lease_generation: number; output: string; state: string }>(
      "select lease_generation, output, state from steps where run_id = $1",
      [run.id],
    );
    const lateWrites = effects.filter((e) => e.pid === victim.child.pid && e.at > stoppedAt);
    console.log(
      `fencing test: effects ${keys.length}, duplicates ${keys.length - new Set(keys).size}, writes by the paused replica after it stopped ${lateWrites.length}, final generation ${step?.lease_generation}`,
    );
    expect(phase).toBe("Succeeded");
    expect(new Set(keys).size).toBe(keys.length);
    expect(keys).toHaveLength(6);
    expect(lateWrites).toEqual([]);
    expect(step?.state).toBe("succeeded");
    expect(Number(step?.lease_generation)).toBeGreaterThan(Number(owner?.lease_generation));
    expect(JSON.parse(step?.output ?? "{}").done).toHaveLength(6);
    expect(victim.output()).toMatch(/lease|no longer current/);
  }, 120_000);
});
