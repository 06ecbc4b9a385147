// `npm run demo`: the README's first command. Builds the demo fleet, starts Upshift on a fresh
// embedded store, deploys 1.0.0 of every service with the process driver behind builtin routers,
// then applies Release fleet-v2 (canaries) under steady synthetic checkouts and shows it live.
// billing 2.0.0 is faulty: Upshift rolls it back on its own while the others complete.
// `--exit` ends without waiting for a key and prints one JSON summary as the last line.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { parseArgs } from "node:util";
import { findFreePort, isPortFree } from "../adapters/drivers/process/free-port.js";
import { callApi, type DemoServer, startDemoServer } from "./demo-server.js";
import {
  failedDuring,
  failuresByCause,
  rollbackTimeline,
  type ServiceOutcome,
  summarizeDemo,
} from "./demo-summary.js";
import { windowErrorRates } from "./error-rate-window.js";
import { buildFleetArtifacts, FLEET_DIR } from "./fleet-artifacts.js";
import { stopRecordedProcesses } from "./fleet-cleanup.js";
import { type DocumentFile, type FleetListeners, renderFleetDocuments } from "./fleet-documents.js";
import { FleetWatch, routersDirOf } from "./fleet-watch.js";
import { renderProgress } from "./progress-view.js";
import {
  analysisVerdicts,
  getRun,
  type RunStatus,
  rolloutStatus,
  runSettled,
  startRun,
} from "./run-watch.js";
import { SyntheticTraffic } from "./synthetic-traffic.js";

const SERVICES = ["storefront", "checkout", "catalog", "billing"] as const;
const DEFAULT_PORTS: Record<string, number> = {
  storefront: 17481,
  checkout: 17482,
  billing: 17483,
  catalog: 17484,
};
const FROM = "1.0.0";
const TO = "2.0.0";
const WINDOW_SECONDS = 5;

const { values: args } = parseArgs({
  options: {
    exit: { type: "boolean", default: false },
    rate: { type: "string", default: "40" },
    timeout: { type: "string", default: "240" },
    "keep-dir": { type: "boolean", default: false },
  },
});
const rate = Number(args.rate);
const timeoutSeconds = Number(args.timeout);
if (!(rate > 0 && rate <= 500) || !(timeoutSeconds > 0)) {
  process.stderr.write(
    "usage: npm run demo -- [--exit] [--rate 1-500 checkouts/s] [--timeout seconds] [--keep-dir]\n",
  );
  process.exit(2);
}

const interactive = process.stdout.isTTY === true && !args.exit;
let workDir = "";
let server: DemoServer | undefined;
let traffic: SyntheticTraffic | undefined;
let watch: FleetWatch | undefined;
let cleaning: Promise<void> | undefined;
/** Set by a signal: what fails after it (the server got the terminal's SIGINT too) is no news. */
let interrupted = false;

const say = (line: string) => process.stdout.write(`${line}\n`);

/** Stops everything the demo started: traffic, the control plane, every instance and router. */
function cleanUp(): Promise<void> {
  cleaning ??= (async () => {
    await traffic?.stop().catch(() => {});
    await watch?.stop().catch(() => {});
    await server?.stop().catch(() => {});
    if (workDir !== "") {
      const stopped = await stopRecordedProcesses(workDir).catch(() => 0);
      say(`cleaned up: stopped the control plane and ${stopped} fleet processes (instances and routers)`);
      if (!args["keep-dir"]) await rm(workDir, { recursive: true, force: true });
      else say(`kept ${workDir}`);
    }
  })();
  return cleaning;
}

for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const)
  process.once(signal, () => {
    interrupted = true;
    say(`\n${signal}: cleaning up`);
    void cleanUp().finally(() => process.exit(130));
  });

async function listeners(): Promise<FleetListeners> {
  const out: Record<string, string> = {};
  for (const service of SERVICES) {
    const preferred = DEFAULT_PORTS[service] ?? 0;
    const port = (await isPortFree(preferred)).free ? preferred : await findFreePort();
    out[service] = `127.0.0.1:${port}`;
  }
  return out;
}

async function apply(files: readonly DocumentFile[]): Promise<void> {
  if (server === undefined) throw new Error("no server");
  await callApi(server, "POST", "/v1/documents", {
    contentType: "application/vnd.upshift.files+json",
    payload: JSON.stringify({ files }),
  });
}

/** Redraws the live view in place on a terminal; in a log, prints it every few seconds. */
function painter() {
  let lastLines = 0;
  let lastPrint = 0;
  return (lines: readonly string[], force = false) => {
    if (interactive) {
      if (lastLines > 0) process.stdout.write(`\x1b[${lastLines}A\x1b[J`);
      process.stdout.write(`${lines.join("\n")}\n`);
      lastLines = lines.length;
    } else if (force || Date.now() - lastPrint >= 5000) {
      process.stdout.write(`${lines.join("\n")}\n\n`);
      lastPrint = Date.now();
    }
  };
}

function view(run: RunStatus | undefined, startedAt: number) {
  const tx = traffic?.transactions ?? [];
  const now = Date.now();
  return renderProgress({
    elapsedSeconds: (now - startedAt) / 1000,
    runPhase: run ? `${run.phase}${run.message ? ` (${run.message.split("\n")[0]})` : ""}` : "starting",
    windowSeconds: WINDOW_SECONDS,
    rows: SERVICES.map((service) => ({
      service,
      status: rolloutStatus(run, service),
      weights: watch?.lastWeights(service) ?? {},
      rates: windowErrorRates(watch?.history.get(service)?.stats ?? [], WINDOW_SECONDS * 1000),
    })),
    checkouts: {
      total: tx.length,
      failed: tx.filter((t) => !t.ok).length,
      lastWindowFailed: tx.filter((t) => !t.ok && t.finishedAt >= now - WINDOW_SECONDS * 1000).length,
    },
  });
}

/** Follows a run until it settles, redrawing the view; throws after the deadline. */
async function follow(id: string, paint: ReturnType<typeof painter>, deadline: number): Promise<RunStatus> {
  const startedAt = Date.now();
  let run: RunStatus | undefined;
  for (;;) {
    run = await getRun(server as DemoServer, id);
    paint(view(run, startedAt));
    if (runSettled(run)) {
      paint(view(run, startedAt), true);
      return run;
    }
    if (Date.now() > deadline) {
      paint(view(run, startedAt), true);
      throw new Error(
        `run ${id} did not settle within the timeout (phase ${run.phase}: ${run.message ?? ""})`,
      );
    }
    await sleep(500);
  }
}

async function main(): Promise<number> {
  const deadline = Date.now() + timeoutSeconds * 1000;
  workDir = await mkdtemp(join(tmpdir(), "upshift-demo-"));
  say(`Upshift demo in ${workDir}`);
  const artifacts = await buildFleetArtifacts(join(workDir, "artifacts"));
  say(`built ${artifacts.length} artifacts (${SERVICES.length} services × 2 versions)`);
  const ports = await listeners();
  const rolloutDir = join(workDir, "rollouts");
  server = await startDemoServer(join(workDir, "data"), { UPSHIFT_ROLLOUT_DIR: rolloutDir });
  say(`Upshift server at ${server.url} (SQLite in ${join(workDir, "data")})`);
  watch = new FleetWatch(routersDirOf(rolloutDir, "demo"), SERVICES);
  watch.start(250);
  const paint = painter();

  // Nothing runs yet: the Services say so, and Release fleet-v1 deploys 1.0.0 of each.
  await apply(await renderFleetDocuments(FLEET_DIR, artifacts, ports, { firstDeploy: true }));
  say("deploying 1.0.0 of the fleet (Release fleet-v1) …");
  const first = await follow(await startRun(server, "fleet-v1", "demo"), paint, deadline);
  if (first.phase !== "Succeeded") throw new Error(`the first deploy ended ${first.phase}: ${first.message}`);
  // Now 1.0.0 runs: the committed documents say so.
  await apply(await renderFleetDocuments(FLEET_DIR, artifacts, ports, { firstDeploy: false }));

  traffic = new SyntheticTraffic({ baseUrl: `http://${ports.storefront}`, ratePerSecond: rate });
  traffic.start();
  say(
    `synthetic checkouts: ${rate}/s through http://${ports.storefront}/checkout (storefront → catalog, checkout → billing)`,
  );
  await sleep(3000);

  say(
    "applying Release fleet-v2 (canaries: 10% → analysis → 25% → pause → analysis → 50% → analysis → 100%) …",
  );
  const rolloutStart = Date.now();
  const second = await follow(await startRun(server, "fleet-v2", "demo"), paint, deadline);
  const rolloutEnd = Date.now();
  await sleep(1000);
  await traffic.stop();
  await watch.sample();
  await watch.stop();

  const tx = traffic.transactions;
  const outcomes: ServiceOutcome[] = SERVICES.map((service) => ({
    service,
    from: FROM,
    to: TO,
    finalWeights: watch?.lastWeights(service) ?? {},
    samples: (watch?.history.get(service)?.weights ?? []).filter((s) => s.at >= rolloutStart),
  }));
  const summary = summarizeDemo(outcomes, tx, { start: rolloutStart, end: rolloutEnd });
  const failed = failedDuring(tx, rolloutStart, rolloutEnd);
  const during = tx.filter((t) => t.startedAt >= rolloutStart && t.startedAt <= rolloutEnd);
  say("");
  say(`run ${second.id} ${second.phase}: ${second.message ?? ""}`);
  say(
    `upgraded to ${TO}: ${summary.upgraded.join(", ") || "none"}; rolled back to ${FROM}: ${summary.rolledBack.join(", ") || "none"}`,
  );
  say(
    `checkouts during the rollout: ${during.length}, failed ${failed.length}, by cause: ${JSON.stringify(failuresByCause(failed))}` +
      (traffic.skipped > 0 ? ` (${traffic.skipped} not sent: too many in flight)` : ""),
  );
  for (const service of summary.rolledBack) {
    const outcome = outcomes.find((o) => o.service === service) as ServiceOutcome;
    const t = rollbackTimeline(outcome, tx);
    const step = second.steps.find((s) => s.kind === "rollout" && s.service === service);
    const rel = (ms: number | null) =>
      ms === null ? "never" : `+${((ms - rolloutStart) / 1000).toFixed(1)} s`;
    for (const line of await analysisVerdicts(server, second.id, service)) say(`${service} ${TO} ${line}`);
    say(
      `${service} ${TO}: canary took traffic ${rel(t.exposedAt)}, first failed checkout ${rel(t.firstFailureAt)}, traffic back on ${FROM} ${rel(t.trafficBackAt)}, step finished ${rel(step?.finishedAt ? Date.parse(step.finishedAt) : null)} (${(step?.message ?? "").split("\n")[0]})`,
    );
  }
  for (const step of second.steps.filter((s) => s.kind === "verify" && s.state === "succeeded"))
    say(`verify ${step.service}: ${(step.message ?? "").split("\n")[0]}`);
  const stuck = second.steps.filter((s) => s.state === "waiting" || s.state === "running");
  if (stuck.length > 0)
    say(`steps left unfinished by the engine: ${stuck.map((s) => `${s.id} (${s.state})`).join(", ")}`);

  if (!args.exit) {
    say("");
    say(`The fleet keeps serving: curl -X POST http://${ports.storefront}/checkout`);
    say("Press any key (or Ctrl-C) to stop everything and clean up.");
    await waitForKey();
  }
  await cleanUp();
  say(JSON.stringify(summary));
  return 0;
}

function waitForKey(): Promise<void> {
  return new Promise((resolve) => {
    const stdin = process.stdin;
    if (stdin.isTTY) stdin.setRawMode(true);
    stdin.resume();
    stdin.once("data", () => {
      if (stdin.isTTY) stdin.setRawMode(false);
      stdin.pause();
      resolve();
    });
    stdin.once("end", () => resolve());
  });
}

main().then(
  (code) => process.exit(code),
  async (error: unknown) => {
    if (interrupted) return;
    process.stderr.write(`demo failed: ${error instanceof Error ? error.message : String(error)}\n`);
    if (server)
      process.stderr.write(
        `server output (last lines):\n${server.output().split("\n").slice(-30).join("\n")}\n`,
      );
    await cleanUp();
    process.exit(1);
  },
);
