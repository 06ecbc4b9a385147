// npm run bench:router — the same HTTP service reached three ways in one run: straight (the
// baseline), through the builtin router and through the nginx router, both splitting 90/10 between
// two upstream versions. Target (issue 5): the builtin router adds < 2 ms at p99 at 1,000 req/s.
//
// At 1,000 req/s the requests arrive at a constant rate, one every millisecond (bench/paced-load.ts,
// as wrk2 does). autocannon's overallRate cannot do that: each connection spends its per-second
// budget back to back, so all 1,000 requests of a second leave within its first 50–150 ms, and the
// latencies it reports are those of 10 connections at full concurrency. Those are reported too, in
// their own table, with autocannon's maximum throughput. The three targets take turns, ROUNDS
// rounds of ROUND_SECONDS each, latencies pooled per target: on this virtual machine a stall of a
// few milliseconds delays every request that arrives during it, and short alternating rounds spread
// the stalls over the targets instead of handing them to whichever ran at the wrong moment.
// On a shared machine latencies follow the scheduler more than the code, so the run also reports
// CPU time per request of each proxy process (from /proc, Linux only), which contention does not
// inflate much. autocannon's latencies are its per-response times (float ms, from its `response`
// event), since its own histogram rounds to whole milliseconds.
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { availableParallelism, tmpdir } from "node:os";
import { join } from "node:path";
import autocannon from "autocannon";
import { BuiltinTrafficRouter } from "../src/adapters/traffic/builtin/builtin-traffic-router.js";
import { NginxTrafficRouter } from "../src/adapters/traffic/nginx/nginx-traffic-router.js";
import { verdict } from "./measure.js";
import { type PacedClient, pacedClient, pacedLoad } from "./paced-load.js";

const RUN_SECONDS = 5;
const FIXED_RATE = 1_000;
const ROUNDS = 20;
const ROUND_SECONDS = 1.5;
/** Rounds of autocannon's 10 connections at overallRate 1,000 (bursts at full concurrency). */
const BURST_ROUNDS = 3;

// The service: two versions in a child process of their own, so the load generator does not share
// an event loop with what it measures.
const UPSTREAM = `
const http = require("node:http");
const ports = [];
let pending = 2;
for (const version of ["v1", "v2"]) {
  const server = http.createServer((req, res) => res.writeHead(200, { "content-type": "text/plain" }).end(version));
  server.keepAliveTimeout = 65000;
  server.listen(0, "127.0.0.1", () => { ports.push(server.address().port); if (--pending === 0) console.log(JSON.stringify(ports)); });
}`;

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return typeof address === "object" && address !== null ? address.port : 0;
}

function startUpstreams(): Promise<{ child: ChildProcess; addresses: string[] }> {
  const child = spawn(process.execPath, ["-e", UPSTREAM], { stdio: ["ignore", "pipe", "inherit"] });
  return new Promise((resolve, reject) => {
    child.stdout?.once("data", (chunk: Buffer) => {
      const ports = JSON.parse(chunk.toString()) as number[];
      resolve({ child, addresses: ports.map((p) => `127.0.0.1:${p}`) });
    });
    child.once("exit", (code) => reject(new Error(`upstreams exited ${code}`)));
  });
}

/** User + system CPU seconds of these processes and their children's threads so far (/proc/PID/stat). */
function cpuSeconds(pids: readonly number[]): number {
  let ticks = 0;
  for (const pid of pids) {
    const file = `/proc/${pid}/stat`;
    if (!existsSync(file)) continue;
    // Fields after the command name (which may hold spaces): utime and stime are the 12th and 13th.
    const fields = readFileSync(file, "utf8").split(") ")[1]?.split(" ") ?? [];
    ticks += Number(fields[11]) + Number(fields[12]);
  }
  return ticks / 100; // USER_HZ, 100 on Linux
}

/** The worker processes of an nginx master. */
function childPids(pid: number): number[] {
  const file = `/proc/${pid}/task/${pid}/children`;
  return existsSync(file) ? readFileSync(file, "utf8").trim().split(/\s+/).filter(Boolean).map(Number) : [];
}

interface RunFigures {
  readonly requestsPerSecond: number;
  /** CPU time per request of the processes under test (the proxy; the service itself for direct). */
  readonly cpuMicroseconds: number;
  readonly p50: number;
  readonly p99: number;
  readonly errors: number;
}

const percentile = (sorted: Float64Array, q: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;

/** One run's raw measurements. */
interface Sample {
  readonly latencies: readonly number[];
  readonly requests: number;
  readonly seconds: number;
  readonly cpuSeconds: number;
  readonly errors: number;
}

/** The figures of one or more runs of a target, latencies pooled. */
function figuresOf(samples: readonly Sample[]): RunFigures {
  const sorted = Float64Array.from(samples.flatMap((s) => s.latencies)).sort();
  const requests = samples.reduce((n, s) => n + s.requests, 0);
  const seconds = samples.reduce((n, s) => n + s.seconds, 0);
  const cpu = samples.reduce((n, s) => n + s.cpuSeconds, 0);
  return {
    requestsPerSecond: requests / seconds,
    cpuMicroseconds: (cpu / Math.max(1, requests)) * 1e6,
    p50: percentile(sorted, 0.5),
    p99: percentile(sorted, 0.99),
    errors: samples.reduce((n, s) => n + s.errors, 0),
  };
}

/** A run of the paced generator, with the CPU the target's processes spent meanwhile. */
async function paced(client: PacedClient, pids: readonly number[], lags: number[]): Promise<Sample> {
  const cpuBefore = cpuSeconds(pids);
  const run = await pacedLoad(client, FIXED_RATE, ROUND_SECONDS);
  lags.push(...run.lag);
  return { ...run, cpuSeconds: cpuSeconds(pids) - cpuBefore };
}

async function load(
  url: string,
  seconds: number,
  rate: number | null,
  pids: readonly number[] = [],
): Promise<Sample> {
  const latencies: number[] = [];
  const cpuBefore = cpuSeconds(pids);
  const instance = autocannon({
    url,
    duration: seconds,
    connections: rate === null ? 32 : 10,
    ...(rate === null ? {} : { overallRate: rate }),
  });
  // The typings declare a Promise, but autocannon returns an EventEmitter that is also thenable.
  (instance as unknown as NodeJS.EventEmitter).on(
    "response",
    (_client: unknown, _status: number, _bytes: number, responseTime: number) => {
      latencies.push(responseTime);
    },
  );
  const result = await instance;
  return {
    latencies,
    requests: result.requests.total,
    seconds,
    cpuSeconds: cpuSeconds(pids) - cpuBefore,
    errors: result.errors + result.timeouts + result.non2xx,
  };
}

const loadAverage = () => readFileSync("/proc/loadavg", "utf8").split(" ").slice(0, 3).join(" ");

const fmt = (n: number, digits = 2) => n.toFixed(digits).padStart(8);

async function main(): Promise<void> {
  const upstreams = await startUpstreams();
  const [v1, v2] = upstreams.addresses as [string, string];
  const builtinDir = mkdtempSync(join(tmpdir(), "upshift-bench-builtin-"));
  const nginxDir = mkdtempSync(join(tmpdir(), "upshift-bench-nginx-"));
  const [builtinPort, nginxPort, statusPort] = [await freePort(), await freePort(), await freePort()];
  const builtin = new BuiltinTrafficRouter({
    stateDir: builtinDir,
    services: { bench: { listen: `127.0.0.1:${builtinPort}` } },
  });
  const nginx = new NginxTrafficRouter({
    directory: nginxDir,
    services: { bench: { listen: `127.0.0.1:${nginxPort}` } },
    statusListen: `127.0.0.1:${statusPort}`,
    // One worker, like the one Node process of the builtin router.
    workerProcesses: 1,
  });
  try {
    for (const router of [builtin, nginx]) {
      await router.setUpstreams("bench", { v1: [v1], v2: [v2] });
      await router.setWeights("bench", { v1: 90, v2: 10 });
    }
    const routerPid = (await builtin.ensureRunning("bench")).record.pid;
    const nginxWorkers = childPids((await nginx.observe("bench")).router.pid);
    const targets = [
      { name: "direct", url: `http://${v1}/`, pids: [upstreams.child.pid ?? 0] },
      { name: "builtin", url: `http://127.0.0.1:${builtinPort}/`, pids: [routerPid] },
      { name: "nginx", url: `http://127.0.0.1:${nginxPort}/`, pids: nginxWorkers },
    ];
    console.log(`load average before: ${loadAverage()} on ${availableParallelism()} cores`);
    console.log(
      `router benchmark: ${FIXED_RATE} req/s paced, ${ROUNDS} rounds of ${ROUND_SECONDS} s per target taken in turns; autocannon: ${BURST_ROUNDS} rounds of ${ROUND_SECONDS * 2} s at overallRate ${FIXED_RATE}, then ${RUN_SECONDS} s at max`,
    );
    for (const t of targets) await load(t.url, 2, null); // warm pools, and let V8 optimize the hot paths
    const clients = new Map(targets.map((t) => [t.name, pacedClient(t.url)]));
    const lags: number[] = [];
    const rounds = new Map<string, Sample[]>(targets.map((t) => [t.name, []]));
    // One untimed paced round per target first: it opens the generator's connections.
    for (const t of targets) await paced(clients.get(t.name) as PacedClient, t.pids, []);
    for (let r = 0; r < ROUNDS; r++)
      for (const t of targets)
        rounds.get(t.name)?.push(await paced(clients.get(t.name) as PacedClient, t.pids, lags));
    for (const client of clients.values()) await client.pool.close();
    const fixed = new Map<string, RunFigures>(
      targets.map((t) => [t.name, figuresOf(rounds.get(t.name) ?? [])]),
    );
    const bursts = new Map<string, Sample[]>(targets.map((t) => [t.name, []]));
    for (let r = 0; r < BURST_ROUNDS; r++)
      for (const t of targets)
        bursts.get(t.name)?.push(await load(t.url, ROUND_SECONDS * 2, FIXED_RATE, t.pids));
    const burst = new Map<string, RunFigures>(
      targets.map((t) => [t.name, figuresOf(bursts.get(t.name) ?? [])]),
    );
    const max = new Map<string, RunFigures>();
    for (const t of targets) max.set(t.name, figuresOf([await load(t.url, RUN_SECONDS, null, t.pids)]));

    for (const [label, figures] of [
      [`at ${FIXED_RATE} req/s, one request every ${1000 / FIXED_RATE} ms (paced)`, fixed],
      [
        `autocannon, 10 connections at overallRate ${FIXED_RATE} (each second's requests in one burst)`,
        burst,
      ],
      ["autocannon, 32 connections at max throughput", max],
    ] as const) {
      const direct = figures.get("direct") as RunFigures;
      console.log(`\n${label}`);
      console.log("target      req/s   p50 ms   p99 ms  +p50 ms  +p99 ms  errors  cpu µs/req");
      for (const t of targets) {
        const f = figures.get(t.name) as RunFigures;
        console.log(
          `${t.name.padEnd(8)}${fmt(f.requestsPerSecond, 0)} ${fmt(f.p50)} ${fmt(f.p99)} ${fmt(f.p50 - direct.p50)} ${fmt(f.p99 - direct.p99)} ${String(f.errors).padStart(7)} ${fmt(f.cpuMicroseconds, 0)}`,
        );
      }
    }
    const lagSorted = Float64Array.from(lags).sort();
    console.log(
      `\npaced generator, lateness against its schedule: p50 ${percentile(lagSorted, 0.5).toFixed(2)} ms, p99 ${percentile(lagSorted, 0.99).toFixed(2)} ms (timers fire on whole milliseconds)`,
    );
    const addedP99 = (fixed.get("builtin") as RunFigures).p99 - (fixed.get("direct") as RunFigures).p99;
    const ratio =
      (max.get("builtin") as RunFigures).requestsPerSecond /
      (max.get("nginx") as RunFigures).requestsPerSecond;
    const ofDirect =
      (max.get("builtin") as RunFigures).requestsPerSecond /
      (max.get("direct") as RunFigures).requestsPerSecond;
    console.log(
      `builtin adds ${addedP99.toFixed(2)} ms at p99 at ${FIXED_RATE} req/s (target < 2 ms): ${verdict(addedP99 < 2)}`,
    );
    console.log(
      `max throughput: builtin/nginx = ${ratio.toFixed(2)}, builtin/direct = ${ofDirect.toFixed(2)}`,
    );
    const cpu = (name: string) => (max.get(name) as RunFigures).cpuMicroseconds;
    console.log(
      `CPU per request at max: builtin ${cpu("builtin").toFixed(0)} µs, nginx ${cpu("nginx").toFixed(0)} µs (builtin/nginx ${(cpu("builtin") / cpu("nginx")).toFixed(2)}); the service itself ${cpu("direct").toFixed(0)} µs`,
    );
    console.log(`load average after: ${loadAverage()}`);
  } finally {
    await builtin.stop("bench");
    await nginx.stop();
    upstreams.child.kill("SIGTERM");
    rmSync(builtinDir, { recursive: true, force: true });
    rmSync(nginxDir, { recursive: true, force: true });
  }
}

await main();
