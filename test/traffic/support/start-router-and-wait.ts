/**
 * A control plane stand-in for the independence test: starts a builtin router for `web`, routes it
 * to v1, prints the router's pid, and then waits to be killed.
 *   node --import tsx start-router-and-wait.ts STATE_DIR LISTEN V1_ADDRESS
 */
import { BuiltinTrafficRouter } from "../../../src/adapters/traffic/builtin/builtin-traffic-router.js";

const [stateDir, listen, v1] = process.argv.slice(2);
if (stateDir === undefined || listen === undefined || v1 === undefined)
  throw new Error("usage: STATE_DIR LISTEN V1");
const router = new BuiltinTrafficRouter({ stateDir, services: { web: { listen } } });
await router.setUpstreams("web", { v1: [v1] });
await router.setWeights("web", { v1: 100 });
const running = await router.ensureRunning("web");
console.log(JSON.stringify({ routerPid: running.record.pid, how: running.how }));
setInterval(() => {}, 1_000);
