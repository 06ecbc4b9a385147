import { spawn } from "node:child_process";
import { DriverError } from "../../../core/rollout/driver-error.js";
import { maskSecrets } from "../../../core/rollout/resolve-secrets.js";

/** How one run of a user's executable ended. */
export interface CommandRun {
  readonly exitCode: number;
  readonly stdout: string;
  readonly stderr: string;
  readonly durationMs: number;
  /** Step-log lines: the command, its stderr (secrets masked) and how it ended. */
  readonly log: readonly string[];
}

export interface CommandRunOptions {
  readonly cwd?: string;
  readonly env: Readonly<Record<string, string>>;
  readonly timeoutMs: number;
  readonly killGraceMs?: number;
  readonly signal?: AbortSignal;
  readonly secretValues: readonly string[];
  /** Run as this account (needs the control plane to run as root, or as that same user). */
  readonly account?: { readonly uid: number; readonly gid: number };
}

function killGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // The group is gone already.
  }
}

/**
 * Runs `argv` (an argument array: no shell ever parses user data) in its own process group, writes
 * `input` as JSON to its stdin and collects stdout and stderr. On timeout or abort the whole group
 * gets SIGTERM, then SIGKILL, so helpers it started (ssh, ansible forks) end with it.
 */
export function runJsonCommand(
  argv: readonly string[],
  input: unknown,
  options: CommandRunOptions,
): Promise<CommandRun> {
  const [cmd, ...args] = argv;
  if (cmd === undefined)
    return Promise.reject(new DriverError("invalid-request", "the command is an empty argument array"));
  const mask = (s: string) => maskSecrets(s, options.secretValues);
  const shown = mask(JSON.stringify(argv));
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, {
      cwd: options.cwd,
      env: options.env,
      detached: true,
      stdio: ["pipe", "pipe", "pipe"],
      ...(options.account === undefined ? {} : { uid: options.account.uid, gid: options.account.gid }),
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on("data", (b: Buffer) => out.push(b));
    child.stderr.on("data", (b: Buffer) => err.push(b));
    let ended: "timeout" | "aborted" | undefined;
    const stop = (why: "timeout" | "aborted") => {
      if (ended !== undefined || child.pid === undefined) return;
      ended = why;
      killGroup(child.pid, "SIGTERM");
      setTimeout(
        () => child.pid !== undefined && killGroup(child.pid, "SIGKILL"),
        options.killGraceMs ?? 2000,
      ).unref();
    };
    const timer = setTimeout(() => stop("timeout"), options.timeoutMs);
    const onAbort = () => stop("aborted");
    options.signal?.addEventListener("abort", onAbort, { once: true });
    child.once("error", (e) => {
      clearTimeout(timer);
      reject(
        new DriverError("command-failed", `could not run ${shown}: ${e.message}`, {
          log: [`$ ${shown}`],
          cause: e,
        }),
      );
    });
    child.once("close", (code, signal) => {
      clearTimeout(timer);
      options.signal?.removeEventListener("abort", onAbort);
      // The command may have left helpers behind in its group; none of them may outlive it.
      if (child.pid !== undefined) killGroup(child.pid, "SIGKILL");
      const stdout = Buffer.concat(out).toString("utf8");
      const stderr = Buffer.concat(err).toString("utf8");
      const durationMs = Date.now() - started;
      const log = [
        `$ ${shown}`,
        ...stderr
          .split("\n")
          .filter((l) => l.trim().length > 0)
          .map((l) => `stderr: ${mask(l)}`),
        ended === undefined
          ? `exit ${code ?? signal} after ${durationMs} ms`
          : `${ended === "timeout" ? "timed out" : "aborted"} after ${durationMs} ms; process group killed`,
      ];
      if (ended !== undefined)
        return reject(
          new DriverError(
            "timeout",
            `${shown} ${ended === "timeout" ? `did not finish within ${options.timeoutMs} ms` : "was aborted"}`,
            {
              log,
            },
          ),
        );
      resolve({ exitCode: code ?? 128, stdout, stderr, durationMs, log });
    });
    child.stdin.on("error", () => {
      // A command that does not read its stdin closes the pipe early; its exit code still decides.
    });
    child.stdin.end(`${JSON.stringify(input)}\n`);
  });
}
