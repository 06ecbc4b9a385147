import { spawn } from "node:child_process";
import { request } from "node:http";
import { connect } from "node:net";
import type { HealthProbe } from "../../../core/rollout/health-probe.js";

/** One probe of an instance on `port`: true when it answers as the probe asks. */
export function probeOnce(probe: HealthProbe, host: string, port: number): Promise<boolean> {
  const check = probe.check;
  switch (check.kind) {
    case "http":
      return new Promise((resolve) => {
        const req = request(
          { host, port, path: check.path, method: "GET", timeout: probe.timeoutMs, agent: false },
          (res) => {
            res.resume();
            const status = res.statusCode ?? 0;
            resolve(status >= 200 && status < 400);
          },
        );
        req.on("timeout", () => req.destroy());
        req.on("error", () => resolve(false));
        req.end();
      });
    case "tcp":
      return new Promise((resolve) => {
        const socket = connect({ host, port, timeout: probe.timeoutMs });
        const done = (ok: boolean) => {
          socket.destroy();
          resolve(ok);
        };
        socket.once("connect", () => done(true));
        socket.once("timeout", () => done(false));
        socket.once("error", () => done(false));
      });
    case "command":
      return new Promise((resolve) => {
        const [cmd, ...args] = check.command;
        if (cmd === undefined) return resolve(false);
        const child = spawn(cmd, args, {
          stdio: "ignore",
          timeout: probe.timeoutMs,
          env: { PATH: process.env.PATH ?? "/usr/bin:/bin", PORT: String(port), HOST: host },
        });
        child.once("error", () => resolve(false));
        child.once("exit", (code) => resolve(code === 0));
      });
    default: {
      const never: never = check;
      return never;
    }
  }
}
