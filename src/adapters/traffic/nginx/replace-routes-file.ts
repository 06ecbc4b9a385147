import { existsSync, readFileSync, unlinkSync, writeFileSync } from "node:fs";
import { InputError } from "../../../core/errors/domain-error.js";
import type { RenderedNginxRoutes } from "../../../core/traffic/render-nginx-routes.js";
import { errorLogTail, type NginxInvocation, runNginx, waitForDigest } from "./nginx-control.js";

/** Where the routes live and how long a reload may take to show. */
export interface RoutesFileTarget {
  readonly nginx: NginxInvocation;
  readonly routesFile: string;
  readonly statusListen: string;
  readonly reloadTimeoutMs: number;
}

/**
 * Puts new routes in force as one transaction: write the file, `nginx -t`, `nginx -s reload`, wait
 * until nginx serves the new digest. If any step fails the previous file is put back (and reloaded
 * if nginx may have seen the new one), so nginx keeps routing as before. `subject` names the change
 * in error messages.
 */
export async function replaceRoutesFile(
  target: RoutesFileTarget,
  rendered: RenderedNginxRoutes,
  subject: string,
): Promise<void> {
  const { nginx, routesFile } = target;
  const previous = existsSync(routesFile) ? readFileSync(routesFile, "utf8") : null;
  const restore = () => (previous === null ? unlinkSync(routesFile) : writeFileSync(routesFile, previous));
  writeFileSync(routesFile, rendered.text);
  const test = await runNginx(nginx, ["-t"]);
  if (test.kind === "failed") {
    restore();
    throw new InputError("nginx-config-refused", `nginx refused ${subject}: ${test.output}`, {
      details: { nginx: test.output },
    });
  }
  const reload = await runNginx(nginx, ["-s", "reload"]);
  const confirmed =
    reload.kind === "ok" &&
    (await waitForDigest(target.statusListen, rendered.digest, target.reloadTimeoutMs));
  if (!confirmed) {
    restore();
    await runNginx(nginx, ["-s", "reload"]);
    throw new Error(`nginx did not apply ${subject}: ${reload.output} ${errorLogTail(nginx)}`);
  }
}
