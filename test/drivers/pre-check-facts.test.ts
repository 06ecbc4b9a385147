import { writeFile } from "node:fs/promises";
import { createServer, type Server } from "node:net";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { gatherPreCheckFacts } from "../../src/adapters/drivers/process/gather-pre-check-facts.js";
import { describePreCheckFailures, evaluatePreChecks } from "../../src/core/rollout/pre-check.js";
import type { PreCheckRequest } from "../../src/core/rollout/pre-check-request.js";
import { cleanUp, serviceArtifact, tempDir } from "./process-fixture.js";

const servers: Server[] = [];
const dirs: string[] = [];
afterAll(async () => {
  for (const s of servers) s.close();
  for (const d of dirs) await cleanUp(d);
});

async function listening(): Promise<number> {
  const server = createServer((socket) => socket.end());
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  return typeof address === "object" && address !== null ? address.port : 0;
}

describe("pre-check facts on this machine", () => {
  it("pass when everything is in order", async () => {
    const dir = await tempDir("pre");
    dirs.push(dir);
    const artifact = await serviceArtifact(dir);
    const dependency = await listening();
    process.env.UPSHIFT_PRECHECK_TOKEN = "x";
    const request: PreCheckRequest = {
      workDirs: [join(dir, "state", "not-created-yet")],
      minFreeBytes: 1024,
      ports: [],
      artifacts: [artifact],
      parameters: { "db-url": "postgres://db/orders", token: "env:UPSHIFT_PRECHECK_TOKEN" },
      requiredParameters: ["db-url"],
      dependencies: [{ name: "payments", host: "127.0.0.1", port: dependency }],
      users: ["root"],
    };
    const report = evaluatePreChecks(await gatherPreCheckFacts(request));
    delete process.env.UPSHIFT_PRECHECK_TOKEN;
    expect(describePreCheckFailures(report)).toBe("");
    expect(report.passed).toBe(true);
    expect(report.checked).toBe(7);
  });

  it("name every problem and where it is, all at once", async () => {
    const dir = await tempDir("pre");
    dirs.push(dir);
    const artifact = await serviceArtifact(dir);
    if (artifact.kind !== "directory") throw new Error("fixture");
    await writeFile(join(artifact.path, "extra.txt"), "changed after release");
    await writeFile(join(dir, "a-file"), "");
    const busy = await listening();
    const closed = await listening();
    servers.pop()?.close();
    const request: PreCheckRequest = {
      workDirs: [join(dir, "a-file", "state")],
      minFreeBytes: Number.MAX_SAFE_INTEGER,
      ports: [{ host: "127.0.0.1", port: busy }],
      artifacts: [artifact, { ...artifact, path: join(dir, "missing") }],
      parameters: { token: "env:UPSHIFT_PRECHECK_ABSENT", cert: `file:${join(dir, "no-cert.pem")}` },
      requiredParameters: ["db-url"],
      dependencies: [{ name: "payments", host: "127.0.0.1", port: closed }],
      users: ["no-such-user-upshift"],
    };
    const report = evaluatePreChecks(await gatherPreCheckFacts(request, { tcpTimeoutMs: 1000 }));
    expect(report.passed).toBe(false);
    expect(report.failures.map((f) => `${f.check} ${f.where}`)).toEqual([
      `diskSpace ${join(dir, "a-file", "state")}`,
      `writable ${join(dir, "a-file", "state")}`,
      `portFree 127.0.0.1:${busy}`,
      `artifact ${artifact.path}`,
      `artifact ${join(dir, "missing")}`,
      "parameter db-url",
      "parameter token",
      "parameter cert",
      `dependency payments (127.0.0.1:${closed})`,
      "user no-such-user-upshift",
    ]);
    const text = describePreCheckFailures(report);
    expect(text).toContain("not writable: ENOTDIR");
    expect(text).toContain("port is in use (EADDRINUSE)");
    expect(text).toContain("does not match the released sha256:");
    expect(text).toContain("not reachable over TCP: ECONNREFUSED");
  });
});
