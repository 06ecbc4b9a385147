import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { SmtpSink } from "../../../test/support/smtp-sink.js";
import { STORE_TARGETS } from "../../../test/support/store-targets.js";
import { WebhookReceiver } from "../../../test/support/webhook-receiver.js";
import type { ChangeFacts } from "../../core/notify/notification-facts.js";
import { verifyWebhookSignature } from "../../core/notify/webhook-signature.js";
import type { NewAuditEntry } from "../../store/audit-repository.js";
import type { Store } from "../../store/store.js";
import { type NotificationRuntime, startNotifications } from "./notification-runtime.js";

const HOOK_SECRET = "test-hook-secret-1234";
process.env.UPSHIFT_TEST_NOTIFY_HOOK_SECRET = HOOK_SECRET;

function policyYaml(smtpPort: number, hookUrl: string): string {
  return `apiVersion: upshift.dev/v1alpha1
kind: Policy
metadata: { name: comms }
spec:
  notifications:
    channels:
      - { name: mail, type: email, host: 127.0.0.1, port: ${smtpPort}, from: upshift@example.test }
      - { name: hook, type: webhook, url: "${hookUrl}/hook", secret: env:UPSHIFT_TEST_NOTIFY_HOOK_SECRET }
      - { name: chat, type: slack, url: "${hookUrl}/slack", timeZone: Asia/Tokyo }
    recipients:
      - { name: alice, email: alice@example.test, timeZone: Europe/Berlin }
      - { name: bob, email: bob@example.test, timeZone: America/New_York }
    routes:
      - events: [approval-requested, downtime-scheduled, emergency]
        environments: [prod]
        channels: [mail, hook]
        recipients: [alice, bob]
      - events: [started, completed, rolled-back]
        channels: [hook, chat]
`;
}

/** Stands in for the change store, built on another branch: the facts a change would give. */
const CHANGES: Record<string, ChangeFacts> = {
  "CHG-3": {
    number: "CHG-3",
    type: "normal",
    environment: "prod",
    release: "spring",
    window: { start: Date.parse("2026-12-05T01:00:00Z"), end: Date.parse("2026-12-05T03:00:00Z") },
    services: [
      { name: "orders", tier: 1, labels: { "customer-facing": "true" } },
      { name: "ledger", tier: 2, labels: {} },
    ],
  },
  "CHG-4": {
    number: "CHG-4",
    type: "normal",
    environment: "staging",
    release: "spring",
    window: undefined,
    services: [],
  },
};

const until = async (what: string, check: () => boolean | Promise<boolean>, timeoutMs = 20_000) => {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`timed out waiting for ${what}`);
};

const entry = (action: string, subject: string, data: NewAuditEntry["data"]): NewAuditEntry => ({
  at: "2026-11-27T10:00:00.000Z",
  actor: "carol",
  action,
  subject,
  data,
});

describe.each(STORE_TARGETS)("notifications on $name", (target) => {
  let store: Store;
  let cleanup: () => Promise<void>;
  let sink: SmtpSink;
  let hooks: WebhookReceiver;
  let runtime: NotificationRuntime | undefined;

  beforeEach(async () => {
    ({ store, cleanup } = await target.open());
    sink = await SmtpSink.open();
    hooks = await WebhookReceiver.open();
    await store.documents.apply([{ name: "comms.yaml", text: policyYaml(sink.port, hooks.url) }], {
      actor: "test",
      now: new Date(),
    });
  });
  afterEach(async () => {
    await runtime?.stop();
    runtime = undefined;
    await sink.stop();
    await hooks.close();
    await cleanup();
  });

  const start = async () => {
    runtime = await startNotifications(store, {
      pollMs: 30,
      backoff: { baseMs: 40, maxMs: 300 },
      changes: async (number) => CHANGES[number],
    });
  };

  it("loses nothing while the mail server is down and sends each message exactly once when it returns", async () => {
    await sink.stop();
    await start();
    await store.audit.append([
      entry("change.approval-requested", "CHG-3", { number: "CHG-3", groups: ["cab", "security"] }),
      entry("change.transition", "CHG-3", {
        number: "CHG-3",
        from: "Authorize",
        to: "Scheduled",
        type: "normal",
      }),
      // Not routed: staging is outside the route's environments.
      entry("change.transition", "CHG-4", { number: "CHG-4", from: "New", to: "Scheduled", type: "normal" }),
      // Not a notification at all.
      entry("document.apply", "Service/orders", { generation: 2 }),
    ]);
    // Webhooks go out while mail keeps failing and being retried.
    await until("both webhooks", () => hooks.accepted.filter((r) => r.path === "/hook").length === 2);
    await until("mail retried at least twice", async () =>
      (await store.notifications.pending()).every((m) => m.channel === "mail" && m.attempts >= 2),
    );
    const pending = await store.notifications.pending();
    expect(pending).toHaveLength(4); // 2 events × alice and bob
    expect(pending[0]?.lastError).toMatch(/ECONNREFUSED|connect/i);
    expect(sink.received).toHaveLength(0);

    await sink.start();
    await until("outbox drained", async () => (await store.notifications.pending()).length === 0);
    // Give a duplicate the time it would need to show up.
    await new Promise((r) => setTimeout(r, 300));
    const ids = sink.received.map((m) => m.messageId).sort();
    expect(ids).toHaveLength(4);
    expect(new Set(ids).size).toBe(4);
    const archived = await store.notifications.forChange("CHG-3");
    expect(
      archived
        .filter((m) => m.channel === "mail")
        .map((m) => `<${m.id}@upshift>`)
        .sort(),
    ).toEqual(ids);
    expect(archived.every((m) => m.state === "sent" && m.sentAt !== null)).toBe(true);
    expect(archived).toHaveLength(6); // 4 mails + 2 webhooks
    expect(await store.notifications.forChange("CHG-4")).toEqual([]);

    // Each send is in the audit log, and the chain is intact.
    const sent: string[] = [];
    await store.audit.scan((batch) => {
      for (const r of batch) if (r.action === "notification.sent") sent.push(JSON.parse(r.dataJson).id);
    });
    expect(sent.sort()).toEqual(archived.map((m) => m.id).sort());
    expect((await store.audit.verify()).kind).toBe("intact");
  });

  it("shows the window in each recipient's own time zone, with services and impact", async () => {
    await start();
    await store.audit.append([
      entry("change.transition", "CHG-3", {
        number: "CHG-3",
        from: "Authorize",
        to: "Scheduled",
        type: "normal",
      }),
    ]);
    await until("two mails", () => sink.received.length === 2);
    const mailTo = (address: string) => sink.received.find((m) => m.to.includes(address))?.decoded ?? "";
    const alice = mailTo("alice@example.test");
    const bob = mailTo("bob@example.test");
    expect(alice).toContain("Sat, 5 Dec 2026, 02:00–04:00 Europe/Berlin (UTC+1)");
    expect(bob).toContain("Fri, 4 Dec 2026, 20:00–22:00 America/New_York (UTC-5)");
    expect(bob).not.toContain("Europe/Berlin");
    for (const text of [alice, bob]) {
      expect(text).toContain("orders (tier 1), ledger (tier 2)");
      expect(text).toContain("SLA impact:   up to 120 minutes against the SLA of orders");
      expect(text).toContain("customers may notice degraded service from orders");
      expect(text).toContain("<li>orders (tier 1)</li>"); // the HTML part
    }
    const subject = sink.received.find((m) => m.to.includes("alice@example.test"))?.subject;
    expect(subject).toBe("Scheduled maintenance: prod, Sat, 5 Dec 2026, 02:00–04:00 Europe/Berlin (UTC+1)");
  });

  it("signs webhooks over the raw body and sends CloudEvents, retrying a receiver that answers 503", async () => {
    hooks.failNext(3);
    await start();
    const run = await store.runs.createRun(
      {
        release: "spring",
        environment: "staging",
        steps: [{ key: "s0", kind: "wait", service: "orders", wave: 0, dependsOn: [], input: {} }],
      },
      { startedBy: "carol", now: Date.now() },
    );
    // Finish the run through the store, as a worker would: run.finish enters the audit log.
    const [claimed] = await store.runs.claim("test-worker", 5_000, 1, Date.now());
    expect(claimed).toBeDefined();
    await store.runs.complete(
      { stepId: claimed?.id ?? "", generation: claimed?.generation ?? 0, runId: run.id },
      { kind: "succeeded" },
      Date.now(),
      { maxAttempts: 1, backoffMs: () => 0 },
    );
    expect((await store.runs.getRun(run.id))?.run.phase).toBe("Succeeded");
    await until("started and completed on both channels", () => hooks.accepted.length === 4);
    expect(hooks.refused).toBe(3);
    const signed = hooks.accepted.filter((r) => r.path === "/hook");
    expect(signed).toHaveLength(2);
    const nowSeconds = Math.floor(Date.now() / 1000);
    for (const request of signed) {
      const signature = request.headers["upshift-signature"] as string;
      expect(verifyWebhookSignature(HOOK_SECRET, request.body, signature, nowSeconds).kind).toBe("ok");
      expect(verifyWebhookSignature("wrong-secret", request.body, signature, nowSeconds).kind).toBe(
        "mismatch",
      );
      expect(verifyWebhookSignature(HOOK_SECRET, `${request.body} `, signature, nowSeconds).kind).toBe(
        "mismatch",
      );
      expect(request.headers["content-type"]).toContain("application/cloudevents+json");
      const event = JSON.parse(request.body);
      expect(event).toMatchObject({
        specversion: "1.0",
        source: "/upshift",
        subject: `run/${run.id}`,
        datacontenttype: "application/json",
        data: { run: run.id, pipelineName: "spring", environment: "staging" },
      });
      expect(event.id).toBe(request.headers["idempotency-key"]);
      expect(Number.isNaN(Date.parse(event.time))).toBe(false);
    }
    const types = signed.map((r) => JSON.parse(r.body).type).sort();
    expect(types).toEqual([
      "dev.cdevents.pipelinerun.finished.0.2.0",
      "dev.cdevents.pipelinerun.started.0.2.0",
    ]);
    expect(JSON.parse(signed.find((r) => r.body.includes("finished"))?.body ?? "{}").data.outcome).toBe(
      "success",
    );
    const slack = hooks.accepted
      .filter((r) => r.path === "/slack")
      .map((r) => JSON.parse(r.body).text as string);
    expect(slack.some((t) => t.startsWith("*Started: spring in staging*"))).toBe(true);
    expect(slack.some((t) => t.startsWith("*Completed: spring in staging*"))).toBe(true);
  });

  it("does not announce history: a first start begins at the head of the log", async () => {
    await store.audit.append([
      entry("change.transition", "CHG-3", {
        number: "CHG-3",
        from: "Authorize",
        to: "Scheduled",
        type: "normal",
      }),
    ]);
    await start();
    await store.audit.append([entry("change.create", "CHG-4", { number: "CHG-4", type: "emergency" })]);
    await new Promise((r) => setTimeout(r, 400));
    expect(sink.received).toHaveLength(0);
    expect(hooks.accepted).toHaveLength(0); // CHG-4 is in staging and not an emergency by its facts
    expect(await store.notifications.cursor("dispatcher")).toBe((await store.audit.head()).seq);
  });

  it("names the Policy, channel and variable when a channel's secret is missing, and keeps the message", async () => {
    delete process.env.UPSHIFT_TEST_NOTIFY_HOOK_SECRET;
    try {
      await start();
      await store.audit.append([
        entry("change.create", "CHG-3", { number: "CHG-3", type: "normal" }),
        entry("change.approval-requested", "CHG-3", { number: "CHG-3", groups: ["cab"] }),
      ]);
      await until("mails sent", () => sink.received.length === 2);
      await until(
        "webhook retried",
        async () => ((await store.notifications.pending())[0]?.attempts ?? 0) >= 1,
      );
      const [stuck] = await store.notifications.pending();
      expect(stuck?.channel).toBe("hook");
      expect(stuck?.lastError).toBe(
        'Policy/comms spec.notifications channel "hook" field secret: secret env:UPSHIFT_TEST_NOTIFY_HOOK_SECRET is not set (set the environment variable UPSHIFT_TEST_NOTIFY_HOOK_SECRET for the server)',
      );
      process.env.UPSHIFT_TEST_NOTIFY_HOOK_SECRET = HOOK_SECRET;
      await until("webhook delivered once the secret is set", () => hooks.accepted.length === 1);
    } finally {
      process.env.UPSHIFT_TEST_NOTIFY_HOOK_SECRET = HOOK_SECRET;
    }
  });
});
