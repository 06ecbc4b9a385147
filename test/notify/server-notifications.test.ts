import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { verifyWebhookSignature } from "../../src/core/notify/webhook-signature.js";
import { startCliServer } from "../support/cli.js";
import { WebhookReceiver } from "../support/webhook-receiver.js";

const until = async (what: string, check: () => boolean, output: () => string, timeoutMs = 20_000) => {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (check()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out waiting for ${what}; server output:\n${output()}`);
};

/** The real `upshift server` process (built: run after `npm run build`), its notifications and anchors. */
describe("notifications and anchors inside upshift server", () => {
  let dir: string;
  let receiver: WebhookReceiver;
  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), "upshift-server-notify-"));
    receiver = await WebhookReceiver.open();
  });
  afterEach(async () => {
    await receiver.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("announces a run to a signed webhook, anchors the log periodically, and stops cleanly on SIGTERM", async () => {
    const policy = join(dir, "comms.yaml");
    writeFileSync(
      policy,
      `apiVersion: upshift.dev/v1alpha1
kind: Policy
metadata: { name: comms }
spec:
  notifications:
    channels:
      - { name: hook, type: webhook, url: "${receiver.url}/events", secret: env:UPSHIFT_HOOK_SECRET }
    routes:
      - { events: [started, completed, failed, rolled-back], channels: [hook] }
`,
    );
    const server = await startCliServer(["--apply", "examples/workspace", policy, "--bootstrap-token"], {
      UPSHIFT_DATA_DIR: join(dir, "data"),
      UPSHIFT_HOOK_SECRET: "server-hook-secret",
      UPSHIFT_ANCHOR_WEBHOOK: `${receiver.url}/anchors`,
      UPSHIFT_ANCHOR_WEBHOOK_SECRET: "server-anchor-secret",
      UPSHIFT_ANCHOR_INTERVAL: "1s",
    });
    try {
      const token = /export UPSHIFT_TOKEN=(\S+)/.exec(server.output())?.[1] ?? "";
      const started = await fetch(`${server.url}/v1/runs`, {
        method: "POST",
        headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
        body: JSON.stringify({ release: "r2027-01", environment: "staging" }),
      });
      expect(started.status, await started.clone().text()).toBe(201);
      const run = (await started.json()) as { id: string };
      const events = () => receiver.accepted.filter((r) => r.path === "/events");
      await until("the run's started event", () => events().length >= 1, server.output);
      const [first] = events();
      const signature = first?.headers["upshift-signature"] as string;
      expect(
        verifyWebhookSignature("server-hook-secret", first?.body ?? "", signature, Date.now() / 1000).kind,
      ).toBe("ok");
      expect(JSON.parse(first?.body ?? "{}")).toMatchObject({
        type: "dev.cdevents.pipelinerun.started.0.2.0",
        subject: `run/${run.id}`,
      });
      const anchors = () => receiver.accepted.filter((r) => r.path === "/anchors");
      await until("a periodic anchor", () => anchors().length >= 1, server.output);
      const anchor = anchors()[0];
      expect(
        verifyWebhookSignature(
          "server-anchor-secret",
          anchor?.body ?? "",
          anchor?.headers["upshift-signature"] as string,
          Date.now() / 1000,
        ).kind,
      ).toBe("ok");
    } finally {
      const began = Date.now();
      expect(await server.stop("SIGTERM")).toBe(0);
      expect(Date.now() - began).toBeLessThan(10_000);
    }
  });

  it("refuses to start with an anchor webhook whose secret is not set, naming the variable", async () => {
    await expect(
      startCliServer([], {
        UPSHIFT_DATA_DIR: join(dir, "data"),
        UPSHIFT_ANCHOR_WEBHOOK: `${receiver.url}/anchors`,
      }),
    ).rejects.toThrow(/secret env:UPSHIFT_ANCHOR_WEBHOOK_SECRET is not set/);
  });
});
