/**
 * The builtin router's data plane for one service, run as its own detached process:
 *   node router-process.js --state-dir DIR --service NAME
 * It loads the route the control plane left in DIR, serves the service's clients, and records its
 * pid and admin port so a control plane (this one or a new one after a crash) can adopt it.
 * Traffic never depends on the control plane being up.
 */

import { unlinkSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { parseArgs } from "node:util";
import type { RouteConfig } from "../../../core/traffic/route-config.js";
import { parseUpstreamAddress } from "../../../core/traffic/upstream-address.js";
import { assertValidRouteConfig } from "../../../core/traffic/validate-route-config.js";
import { readJsonFile, writeJsonAtomically } from "../json-file.js";
import { createAdminHandler } from "./admin-handler.js";
import { createProxyHandler, type ProxyState } from "./proxy-handler.js";
import { type RouterPidRecord, routerFiles } from "./router-files.js";
import { UpstreamPool } from "./upstream-pool.js";
import { VersionMetrics } from "./version-metrics.js";

const listen = (server: Server, host: string, port: number) =>
  new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      server.off("error", reject);
      resolve();
    });
  });

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { "state-dir": { type: "string" }, service: { type: "string" } } });
  const stateDir = values["state-dir"];
  const service = values.service;
  if (stateDir === undefined || service === undefined)
    throw new Error("usage: --state-dir DIR --service NAME");
  const files = routerFiles(stateDir, service);
  const config = readJsonFile<RouteConfig>(files.routeFile);
  if (config === null) throw new Error(`no route file ${files.routeFile}`);
  assertValidRouteConfig(config);
  const address = parseUpstreamAddress(config.listen);
  if (address === null) throw new Error(`bad listen address ${config.listen}`);

  const state: ProxyState = { config, pool: new UpstreamPool(config), metrics: new VersionMetrics() };
  const startedAt = new Date().toISOString();
  const data = createServer({ keepAliveTimeout: 65_000 }, createProxyHandler(state));
  const admin = createServer(createAdminHandler(state, files.routeFile, startedAt));
  await listen(data, address.host, address.port);
  await listen(admin, "127.0.0.1", 0);
  const adminAddress = admin.address();
  if (adminAddress === null || typeof adminAddress === "string") throw new Error("admin server has no port");
  const record: RouterPidRecord = {
    service,
    pid: process.pid,
    adminPort: adminAddress.port,
    listen: config.listen,
    startedAt,
  };
  writeJsonAtomically(files.pidFile, record);
  console.log(`${startedAt} router for ${service} on ${config.listen}, admin 127.0.0.1:${adminAddress.port}`);

  const stop = (signal: string) => {
    console.log(`${new Date().toISOString()} ${signal}: stopping`);
    // Only remove the pid record if it is still ours (a newer router may have replaced it).
    if (readJsonFile<RouterPidRecord>(files.pidFile)?.pid === process.pid) unlinkSync(files.pidFile);
    admin.close();
    data.close(() => process.exit(0));
    data.closeIdleConnections();
    setTimeout(() => process.exit(0), 5_000).unref();
  };
  process.on("SIGTERM", () => stop("SIGTERM"));
  process.on("SIGINT", () => stop("SIGINT"));
}

main().catch((error: unknown) => {
  console.error(`${new Date().toISOString()} router failed to start: ${(error as Error).message}`);
  process.exit(1);
});
