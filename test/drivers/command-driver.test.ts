import { createHash } from "node:crypto";
import { chmod, copyFile, mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, describe, expect, it } from "vitest";
import {
  type CommandDriverOptions,
  createCommandDriver,
} from "../../src/adapters/drivers/command/command-driver.js";
import { isAlive } from "../../src/adapters/drivers/process/process-liveness.js";
import type { DriverError } from "../../src/core/rollout/driver-error.js";
import type { DeployRequest } from "../../src/core/rollout/driver-port.js";
import { tempDir } from "./process-fixture.js";

const fx = (name: string) => new URL(`./fixtures/command/${name}`, import.meta.url).pathname;
const opts = (key: string, generation = 1) => ({
  idempotencyKey: key,
  fence: { stepId: "run-7/orders", generation },
  timeoutMs: 10_000,
});
const target = { service: "orders", environment: "staging" };
const request: DeployRequest = {
  ...target,
  version: "2.0.0",
  slot: "green",
  replicas: 2,
  artifact: { kind: "command", command: ["/opt/orders/bin/orders"], digest: `sha256:${"0".repeat(64)}` },
  parameters: { TOKEN: "env:UPSHIFT_CMD_TEST_TOKEN", LOG_LEVEL: "info" },
};
const cleanup: string[] = [];
afterAll(async () => {
  for (const d of cleanup) await rm(d, { recursive: true, force: true });
});

async function driverWith(
  commands: Partial<CommandDriverOptions["commands"]>,
  extra: Partial<CommandDriverOptions> = {},
) {
  const dir = await tempDir("cmd");
  cleanup.push(dir);
  const stateFile = join(dir, "tool-state.json");
  const driver = createCommandDriver({
    commands: {
      deploy: [fx("fake-deploy.mjs")],
      observe: [fx("fake-observe.mjs")],
      retire: [fx("retire.sh")],
      ...commands,
    },
    env: { STATE_FILE: stateFile, PID_FILE: join(dir, "helper.pid") },
    ...extra,
  });
  return { driver, dir, stateFile };
}

const failure = async (p: Promise<unknown>) =>
  (await p.then(
    () => undefined,
    (e: unknown) => e,
  )) as DriverError;

describe("command driver", () => {
  it("deploys, observes and retires through the user's scripts, idempotently, with secrets on stdin only", async () => {
    const secret = "cmd-secret-7c1d09aa";
    process.env.UPSHIFT_CMD_TEST_TOKEN = secret;
    try {
      const { driver, stateFile } = await driverWith({});
      const first = await driver.deploy(request, opts("deploy-green"));
      expect(first.changed).toBe(true);
      expect(first.instances.map((i) => [i.service, i.slot, i.index, i.version, i.health])).toEqual([
        ["orders", "green", 0, "2.0.0", "healthy"],
        ["orders", "green", 1, "2.0.0", "healthy"],
      ]);
      expect(first.log[0]).toBe(`$ ${JSON.stringify([fx("fake-deploy.mjs")])}`);
      expect(first.log).toContain("stderr: deploy orders 2.0.0 to green");
      expect(first.log.at(-2)).toMatch(/^exit 0 after \d+ ms$/);
      const tool = JSON.parse(await readFile(stateFile, "utf8"));
      expect(tool.slots.green.tokenSha256).toBe(createHash("sha256").update(secret).digest("hex"));
      expect(tool.slots.green.fenceGeneration).toBe(1);
      expect(JSON.stringify(first)).not.toContain(secret);

      const again = await driver.deploy(request, opts("deploy-green"));
      expect(again.changed).toBe(false);
      expect((await driver.observe(target)).map((i) => `${i.slot}/${i.index}`)).toEqual([
        "green/0",
        "green/1",
      ]);
      const retired = await driver.retire(target, "blue", opts("retire-blue"));
      expect(retired.log).toContain("retired by bash");
      expect(retired.log.some((l) => /^stderr: retiring: \d+ bytes of request$/.test(l))).toBe(true);
    } finally {
      delete process.env.UPSHIFT_CMD_TEST_TOKEN;
    }
  });

  it("keeps the exit code and stderr of a failing command", async () => {
    const { driver } = await driverWith({ deploy: [fx("fail.sh")] });
    const e = await failure(driver.deploy({ ...request, parameters: {} }, opts("k")));
    expect(e.code).toBe("driver-command-failed");
    expect(e.message).toBe(
      `deploy command ${JSON.stringify([fx("fail.sh")])} exited with code 3: boom: inventory host unreachable`,
    );
    expect(e.log).toEqual([
      `$ ${JSON.stringify([fx("fail.sh")])}`,
      "stderr: connecting to inventory",
      "stderr: boom: inventory host unreachable",
      expect.stringMatching(/^exit 3 after \d+ ms$/),
    ]);
  });

  it("says clearly when the answer is not JSON or not the expected shape", async () => {
    const notJson = await driverWith({ deploy: [fx("not-json.sh")] });
    const e1 = await failure(notJson.driver.deploy({ ...request, parameters: {} }, opts("k")));
    expect(e1.code).toBe("driver-bad-answer");
    expect(e1.message).toContain(
      'did not answer JSON on stdout (it printed "Deploying... done"); expected one JSON object such as {"changed": true',
    );
    const wrong = await driverWith({ observe: [fx("wrong-shape.sh")], deploy: [fx("wrong-shape.sh")] });
    const e2 = await failure(wrong.driver.deploy({ ...request, parameters: {} }, opts("k")));
    expect(e2.message).toMatch(
      /answered JSON that is not a valid answer: changed: .*boolean.*; instances\.0\.health: .*"healthy"/,
    );
  });

  it("passes arguments as an array: no shell ever sees them", async () => {
    const { driver, dir } = await driverWith({
      retire: [fx("print-args.mjs"), "a b; touch pwned", "$(touch pwned2)", "*"],
    });
    const r = await driver.retire(target, "blue", { ...opts("k"), timeoutMs: 5000 });
    expect(r.log.at(-1)).toBe(JSON.stringify(["a b; touch pwned", "$(touch pwned2)", "*"]));
    await expect(readFile(join(dir, "pwned"))).rejects.toThrow();
  });

  it("kills the whole process group on timeout", async () => {
    const { driver, dir } = await driverWith({ deploy: [fx("slow.sh")] });
    const started = Date.now();
    const e = await failure(driver.deploy({ ...request, parameters: {} }, { ...opts("k"), timeoutMs: 700 }));
    expect(e.code).toBe("driver-timeout");
    expect(e.message).toContain("did not finish within 700 ms");
    expect(e.log.at(-1)).toMatch(/^timed out after \d+ ms; process group killed$/);
    expect(Date.now() - started).toBeLessThan(5000);
    const helper = Number(await readFile(join(dir, "helper.pid"), "utf8"));
    await sleep(100);
    expect(isAlive(helper)).toBe(false);
  });

  it("masks a secret that a careless tool prints", async () => {
    process.env.UPSHIFT_CMD_TEST_TOKEN = "leaky-secret-445566";
    try {
      const { driver } = await driverWith({ deploy: [fx("leak-secret.sh")] });
      const r = await driver.deploy(request, opts("k"));
      expect(r.log.some((l) => l.includes('"TOKEN":"***"'))).toBe(true);
      expect(JSON.stringify(r)).not.toContain("leaky-secret-445566");
    } finally {
      delete process.env.UPSHIFT_CMD_TEST_TOKEN;
    }
  });

  it("runs as the configured account, and refuses one that does not exist", async () => {
    // The checkout may sit under a directory only root can enter (CI clones into a private temp
    // dir), so the script the other account runs is copied where every account can reach it.
    const shared = await mkdtemp(join(tmpdir(), "upshift-as-nobody-"));
    await chmod(shared, 0o755);
    const script = join(shared, "whoami.sh");
    await copyFile(fx("whoami.sh"), script);
    await chmod(script, 0o755);
    const asNobody = createCommandDriver({
      commands: { deploy: ["false"], observe: ["false"], retire: [script] },
      user: "nobody",
    });
    const run = asNobody.retire(target, "blue", opts("k"));
    if (process.getuid?.() === 0) expect((await run).log.at(-1)).toBe("nobody home=/nonexistent");
    else await expect(run).rejects.toThrow(/EPERM/);
    const ghost = createCommandDriver({
      commands: { deploy: ["false"], observe: ["false"], retire: [fx("whoami.sh")] },
      user: "no-such-user-upshift",
    });
    await expect(ghost.retire(target, "blue", opts("k"))).rejects.toThrow(
      "the command driver runs as user no-such-user-upshift, who does not exist on this host",
    );
    await rm(shared, { recursive: true, force: true });
  });

  it("refuses to deploy when a secret cannot be read, before running anything", async () => {
    const { driver, stateFile } = await driverWith({});
    const e = await failure(driver.deploy(request, opts("k")));
    expect(e.code).toBe("driver-secret-unresolved");
    expect(e.message).toBe("parameter TOKEN: secret env:UPSHIFT_CMD_TEST_TOKEN could not be read");
    await expect(readFile(stateFile)).rejects.toThrow();
  });
});
