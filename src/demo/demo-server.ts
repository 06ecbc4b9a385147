import { type ChildProcess, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { ownModuleArgs } from "../runtime/own-module.js";

const REPO_ROOT = fileURLToPath(new URL("../../", import.meta.url));

/** `upshift server` run from the sources for the demo, with the admin token it printed. */
export interface DemoServer {
  readonly url: string;
  readonly token: string;
  readonly child: ChildProcess;
  /** Everything the server printed, for when something goes wrong. */
  output(): string;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves once it exited. */
  stop(graceMs?: number): Promise<void>;
}

/**
 * Starts the server on the embedded SQLite store in `dataDir`, on a free loopback port, and waits
 * for its address and the bootstrap admin token (printed once on a fresh store).
 */
export async function startDemoServer(
  dataDir: string,
  env: Readonly<Record<string, string>> = {},
): Promise<DemoServer> {
  const child = spawn(
    process.execPath,
    [
      ...ownModuleArgs(import.meta.url, "../cli/main"),
      "--data-dir",
      dataDir,
      "server",
      "--port",
      "0",
      "--host",
      "127.0.0.1",
      "--bootstrap-token",
      "--log-level",
      "warn",
    ],
    {
      cwd: REPO_ROOT,
      env: { ...process.env, NO_COLOR: "1", UPSHIFT_DATABASE_URL: undefined, ...env },
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  let out = "";
  child.stdout?.on("data", (d: Buffer) => {
    out += d.toString();
  });
  child.stderr?.on("data", (d: Buffer) => {
    out += d.toString();
  });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const { url, token } = await new Promise<{ url: string; token: string }>((resolve, reject) => {
    const timer = setTimeout(() => {
      clearInterval(poll);
      reject(new Error(`the Upshift server did not start within 60 s:\n${out}`));
    }, 60_000);
    const poll = setInterval(() => {
      const u = /listening on (http:\/\/\S+)/.exec(out);
      const t = /export UPSHIFT_TOKEN=(\S+)/.exec(out);
      if (u?.[1] && t?.[1]) {
        clearTimeout(timer);
        clearInterval(poll);
        resolve({ url: u[1], token: t[1] });
      }
    }, 50);
    child.once("exit", (code) => {
      clearTimeout(timer);
      clearInterval(poll);
      reject(new Error(`the Upshift server exited (code ${code}) before it listened:\n${out}`));
    });
  });
  return {
    url,
    token,
    child,
    output: () => out,
    async stop(graceMs = 5000) {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), graceMs);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** Calls the server's /v1 API with the demo's token; a problem answer becomes an Error with its detail. */
export async function callApi<T>(
  server: Pick<DemoServer, "url" | "token">,
  method: string,
  path: string,
  body?: { readonly contentType: string; readonly payload: string },
): Promise<T> {
  const res = await fetch(`${server.url}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${server.token}`,
      accept: "application/json",
      ...(body ? { "content-type": body.contentType } : {}),
    },
    ...(body ? { body: body.payload } : {}),
    signal: AbortSignal.timeout(30_000),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${path} answered ${res.status}: ${text}`);
  return (text === "" ? undefined : JSON.parse(text)) as T;
}
