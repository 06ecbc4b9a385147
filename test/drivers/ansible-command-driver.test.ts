import { readFile, rm } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { createCommandDriver } from "../../src/adapters/drivers/command/command-driver.js";
import { tempDir } from "./process-fixture.js";

const dirs: string[] = [];
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

// ansible-playbook comes from Debian's `ansible` package, on this machine and in CI.
describe("command driver with ansible-playbook", () => {
  it("runs a playbook against localhost that writes a file and answers the protocol", {
    timeout: 40_000,
  }, async () => {
    const target = await tempDir("ansible");
    dirs.push(target);
    const driver = createCommandDriver({
      commands: {
        deploy: [new URL("./fixtures/ansible/ansible-deploy.sh", import.meta.url).pathname],
        observe: ["false"],
        retire: ["false"],
      },
      env: { TARGET_DIR: target },
      timeoutMs: 50_000,
    });
    const request = {
      service: "inventory",
      environment: "staging",
      version: "4.2.0",
      slot: "blue",
      replicas: 1,
      artifact: { kind: "command" as const, command: ["/usr/bin/true"], digest: `sha256:${"1".repeat(64)}` },
      parameters: {},
    };
    const fence = { stepId: "run-1/inventory", generation: 1 };
    const first = await driver.deploy(request, { idempotencyKey: "run-1/inventory/deploy", fence });
    expect(first.changed).toBe(true);
    expect(first.instances).toEqual([
      {
        service: "inventory",
        environment: "staging",
        version: "4.2.0",
        slot: "blue",
        index: 0,
        health: "healthy",
      },
    ]);
    expect(await readFile(join(target, "inventory-blue.release"), "utf8")).toBe(
      "inventory 4.2.0 in staging (run-1/inventory/deploy)\n",
    );
    expect(first.log.some((l) => l.includes("PLAY RECAP"))).toBe(true);
    expect(first.log.at(-1)).toBe(`ansible wrote ${join(target, "inventory-blue.release")}`);
  });
});
