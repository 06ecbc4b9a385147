import { execFile } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { promisify } from "node:util";
import { NGINX_STATUS_PATH } from "../../../core/traffic/render-nginx-routes.js";

const run = promisify(execFile);

/** The outcome of running the nginx binary: its exit and what it printed (nginx reports on stderr). */
export type NginxCommandResult =
  | { readonly kind: "ok"; readonly output: string }
  | { readonly kind: "failed"; readonly exitCode: number | null; readonly output: string };

/** How to invoke one nginx: its binary, main configuration, and (for an owned nginx) its error log. */
export interface NginxInvocation {
  readonly binary: string;
  readonly mainConfig: string;
  /** Passed as `-e`, so nginx does not try the distribution's log path before reading the config. */
  readonly errorLog: string | null;
  readonly pidFile: string | null;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Runs nginx with the invocation's configuration and extra arguments (an argument array, no shell). */
export async function runNginx(
  nginx: NginxInvocation,
  extra: readonly string[],
): Promise<NginxCommandResult> {
  const args = ["-c", nginx.mainConfig, ...(nginx.errorLog === null ? [] : ["-e", nginx.errorLog]), ...extra];
  try {
    const { stdout, stderr } = await run(nginx.binary, args, { timeout: 15_000 });
    return { kind: "ok", output: `${stdout}${stderr}`.trim() };
  } catch (error) {
    const failure = error as { code?: number | string; stdout?: string; stderr?: string; message: string };
    const output = `${failure.stdout ?? ""}${failure.stderr ?? ""}`.trim() || failure.message;
    return { kind: "failed", exitCode: typeof failure.code === "number" ? failure.code : null, output };
  }
}

/** The master pid of an nginx whose pid file names a live process, or null. */
export function nginxMasterPid(nginx: NginxInvocation): number | null {
  if (nginx.pidFile === null) return null;
  let text: string;
  try {
    // nginx removes its pid file as it exits, so the file can vanish between any check and the read.
    text = readFileSync(nginx.pidFile, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw error;
  }
  const pid = Number(text.trim());
  if (!Number.isInteger(pid) || pid <= 0) return null;
  try {
    process.kill(pid, 0);
    return pid;
  } catch {
    return null;
  }
}

/** The configuration digest nginx answers on its status listener, or null when it does not answer. */
export async function activeDigest(statusListen: string): Promise<string | null> {
  try {
    const res = await fetch(`http://${statusListen}${NGINX_STATUS_PATH}`, {
      signal: AbortSignal.timeout(1_000),
    });
    return res.ok ? (await res.text()).trim() : null;
  } catch {
    return null;
  }
}

/**
 * Waits until nginx serves the configuration with this digest. A reload is asynchronous: the master
 * re-reads the files on SIGHUP, starts new workers and retires the old ones, and keeps the old
 * configuration if the new one cannot be applied (a port already in use), so only the answer of the
 * running workers proves the change took effect.
 */
export async function waitForDigest(
  statusListen: string,
  digest: string,
  timeoutMs: number,
): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if ((await activeDigest(statusListen)) === digest) return true;
    await sleep(50);
  }
  return false;
}

/** The last lines of nginx's error log, to say why a reload did not take. */
export function errorLogTail(nginx: NginxInvocation, lines = 5): string {
  if (nginx.errorLog === null || !existsSync(nginx.errorLog)) return "";
  return readFileSync(nginx.errorLog, "utf8").trim().split("\n").slice(-lines).join("\n");
}
