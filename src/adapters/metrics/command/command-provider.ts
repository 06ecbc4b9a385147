/**
 * The `command` metric provider: runs a program (never through a shell: an argument array) and
 * reads its standard output as JSON or as a number. A non-zero exit, a timeout or an unreadable
 * output is a measurement Error, with the end of stderr in the message.
 */
import { spawn } from "node:child_process";
import {
  type MeasurementContext,
  type MetricProvider,
  MetricProviderError,
} from "../../../core/analysis/metric-provider-port.js";
import { renderMetricTemplate } from "../../../core/analysis/metric-template.js";
import { type MetricValue, toMetricValue } from "../../../core/analysis/metric-value.js";
import { DEFAULT_PROVIDER_TIMEOUT_MS } from "../http/fetch-with-timeout.js";

export interface CommandProviderOptions {
  readonly command: string;
  /** Each argument may use `{{args.name}}`; it stays one argument whatever the value holds. */
  readonly args?: readonly string[] | undefined;
  readonly env?: Readonly<Record<string, string>> | undefined;
  readonly cwd?: string | undefined;
  readonly timeoutMs?: number | undefined;
}

const MAX_OUTPUT_BYTES = 1 << 20;

/** A provider measuring what the command prints. */
export function commandProvider(options: CommandProviderOptions): MetricProvider {
  const timeoutMs = options.timeoutMs ?? DEFAULT_PROVIDER_TIMEOUT_MS;
  return {
    kind: "command",
    measure(context: MeasurementContext): Promise<MetricValue> {
      const args = (options.args ?? []).map((a) => renderMetricTemplate(a, context.args));
      const shown = [options.command, ...args].join(" ");
      return new Promise((resolve, reject) => {
        const child = spawn(options.command, args, {
          cwd: options.cwd,
          env: { ...process.env, ...options.env },
          stdio: ["ignore", "pipe", "pipe"],
          signal: context.signal,
        });
        let stdout = "";
        let stderr = "";
        let timedOut = false;
        const timer = setTimeout(() => {
          timedOut = true;
          child.kill("SIGKILL");
        }, timeoutMs);
        child.stdout.on("data", (chunk: Buffer) => {
          stdout += chunk.toString();
          if (stdout.length > MAX_OUTPUT_BYTES) child.kill("SIGKILL");
        });
        child.stderr.on("data", (chunk: Buffer) => {
          stderr = (stderr + chunk.toString()).slice(-2000);
        });
        child.on("error", (error) => {
          clearTimeout(timer);
          reject(new MetricProviderError("command", `${shown}: ${error.message}`, { cause: error }));
        });
        child.on("close", (code, signal) => {
          clearTimeout(timer);
          const tail = stderr.trim() === "" ? "" : `; stderr: ${stderr.trim().slice(-300)}`;
          if (timedOut)
            return reject(
              new MetricProviderError("command", `${shown}: no result within ${timeoutMs} ms${tail}`),
            );
          if (stdout.length > MAX_OUTPUT_BYTES)
            return reject(
              new MetricProviderError("command", `${shown}: printed more than ${MAX_OUTPUT_BYTES} bytes`),
            );
          if (code !== 0)
            return reject(
              new MetricProviderError("command", `${shown}: exited with ${code ?? signal}${tail}`),
            );
          try {
            resolve(parseOutput(stdout));
          } catch (error) {
            reject(new MetricProviderError("command", `${shown}: ${(error as Error).message}`));
          }
        });
      });
    },
  };
}

function parseOutput(stdout: string): MetricValue {
  const text = stdout.trim();
  if (text === "") throw new Error("printed nothing; expected JSON or a number");
  try {
    const value = toMetricValue(JSON.parse(text));
    if (value !== undefined) return value;
  } catch {
    // Not JSON: maybe a bare number such as NaN or Inf below.
  }
  const n =
    text === "NaN"
      ? Number.NaN
      : /^[+-]?Inf$/.test(text)
        ? text.startsWith("-")
          ? -Infinity
          : Infinity
        : Number(text);
  if (!Number.isNaN(n) || text === "NaN") return n;
  throw new Error(`printed ${JSON.stringify(text.slice(0, 80))}, which is neither JSON nor a number`);
}
