import { spawn } from "node:child_process";
import { closeSync, existsSync, openSync, readFileSync } from "node:fs";
import { ownModuleArgs } from "../../../runtime/own-module.js";
import { readJsonFile } from "../json-file.js";
import { RouterAdminClient } from "./admin-client.js";
import { type RouterPidRecord, routerFiles } from "./router-files.js";

/** A router process this control plane can talk to, and whether it started it or found it running. */
export interface RunningRouter {
  readonly record: RouterPidRecord;
  readonly admin: RouterAdminClient;
  readonly how: "started" | "adopted";
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** The router recorded in the state directory, if it is alive and answers as that service's router. */
export async function findRunningRouter(stateDir: string, service: string): Promise<RunningRouter | null> {
  const record = readJsonFile<RouterPidRecord>(routerFiles(stateDir, service).pidFile);
  if (record === null || !alive(record.pid)) return null;
  const admin = new RouterAdminClient(`http://127.0.0.1:${record.adminPort}`);
  try {
    const health = await admin.health();
    // A reused pid or port would answer otherwise: only adopt the process that wrote the record.
    if (health.service !== service || health.pid !== record.pid) return null;
  } catch {
    return null;
  }
  return { record, admin, how: "adopted" };
}

function logTail(file: string): string {
  return existsSync(file) ? readFileSync(file, "utf8").split("\n").slice(-10).join("\n") : "(no log)";
}

/**
 * Adopts the service's running router, or starts one detached (its own session, output to its log
 * file) and waits until it answers. If two control planes start one at once, the second process
 * cannot bind the service port and exits; its starter then adopts the winner.
 */
export async function startOrAdoptRouter(
  stateDir: string,
  service: string,
  timeoutMs: number,
): Promise<RunningRouter> {
  const running = await findRunningRouter(stateDir, service);
  if (running !== null) return running;
  const files = routerFiles(stateDir, service);
  const log = openSync(files.logFile, "a");
  const env = { ...process.env };
  // Test runners inject loaders through NODE_OPTIONS; the router needs none of them.
  delete env.NODE_OPTIONS;
  const child = spawn(
    process.execPath,
    [...ownModuleArgs(import.meta.url, "./router-process"), "--state-dir", stateDir, "--service", service],
    {
      cwd: stateDir,
      detached: true,
      stdio: ["ignore", log, log],
      env,
    },
  );
  closeSync(log);
  let exited: number | null = null;
  child.once("exit", (code) => {
    exited = code ?? -1;
  });
  child.unref();
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const found = await findRunningRouter(stateDir, service);
    if (found !== null) return { ...found, how: found.record.pid === child.pid ? "started" : "adopted" };
    if (exited !== null) {
      // Lost a start race? Adopt whoever holds the port; otherwise report why it died.
      await sleep(100);
      const winner = await findRunningRouter(stateDir, service);
      if (winner !== null) return winner;
      throw new Error(`router for ${service} exited with ${exited}:\n${logTail(files.logFile)}`);
    }
    await sleep(50);
  }
  if (child.pid !== undefined && exited === null) process.kill(child.pid, "SIGTERM");
  throw new Error(`router for ${service} did not answer within ${timeoutMs} ms:\n${logTail(files.logFile)}`);
}
