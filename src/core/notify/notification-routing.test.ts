import { describe, expect, it } from "vitest";
import { retryDelayMs } from "./delivery-backoff.js";
import {
  changeFactsFromData,
  type NotificationEvent,
  notificationEventOf,
  notificationTriggerOf,
} from "./notification-event.js";
import type { NotificationFactsPort } from "./notification-facts.js";
import type { NotificationsSpec } from "./notification-policy.js";
import { routeNotification } from "./notification-routing.js";
import { signWebhook, verifyWebhookSignature } from "./webhook-signature.js";

const spec: NotificationsSpec = {
  channels: [
    { name: "mail", type: "email", host: "smtp.example.com", from: "u@example.com" },
    { name: "hook", type: "webhook", url: "https://h.example.com", secret: "env:S" },
    { name: "chat", type: "slack", url: "env:SLACK", timeZone: "Asia/Tokyo" },
  ],
  recipients: [
    { name: "alice", email: "alice@example.com", timeZone: "Europe/Berlin" },
    { name: "bob", email: "bob@example.com", timeZone: "America/New_York" },
  ],
  routes: [
    {
      events: ["downtime-scheduled"],
      environments: ["prod"],
      channels: ["mail", "chat"],
      recipients: ["alice", "bob"],
    },
    { events: ["downtime-scheduled", "completed"], channels: ["mail", "hook"], recipients: ["alice"] },
  ],
};

const scheduled = (environment: string): NotificationEvent => ({
  kind: "downtime-scheduled",
  seq: 7,
  at: "2026-11-27T10:00:00.000Z",
  actor: "carol",
  change: { number: "CHG-3", type: "normal", environment, release: "r", window: undefined, services: [] },
});

describe("routing notifications", () => {
  it("sends one message per channel and recipient, each in the recipient's or channel's zone", () => {
    const deliveries = routeNotification(scheduled("prod"), [{ policy: "comms", spec }]);
    expect(deliveries.map((d) => `${d.channel.name}:${d.recipient?.name ?? "-"}:${d.timeZone}`)).toEqual([
      "mail:alice:Europe/Berlin",
      "mail:bob:America/New_York",
      "chat:-:Asia/Tokyo",
      "hook:-:UTC",
    ]);
    expect(new Set(deliveries.map((d) => d.id)).size).toBe(4);
    // Stable: routing the same entry again gives the same ids (what makes a replay add nothing).
    expect(routeNotification(scheduled("prod"), [{ policy: "comms", spec }]).map((d) => d.id)).toEqual(
      deliveries.map((d) => d.id),
    );
  });

  it("leaves out routes limited to other environments and events no route names", () => {
    expect(
      routeNotification(scheduled("staging"), [{ policy: "comms", spec }]).map((d) => d.channel.name),
    ).toEqual(["mail", "hook"]);
    const emergency = { ...scheduled("prod"), kind: "emergency" } as NotificationEvent;
    expect(routeNotification(emergency, [{ policy: "comms", spec }])).toEqual([]);
  });
});

describe("audit entries as notification triggers", () => {
  it("maps the change and run actions, and ignores the rest", () => {
    const t = (action: string, subject: string, data: unknown) =>
      notificationTriggerOf({ action, subject, data: data as never });
    expect(t("change.approval-requested", "CHG-3", { number: "CHG-3", groups: ["cab", 3] })).toEqual({
      kind: "approval-requested",
      change: "CHG-3",
      groups: ["cab"],
    });
    expect(t("change.transition", "CHG-3", { number: "CHG-3", from: "Authorize", to: "Scheduled" })).toEqual({
      kind: "downtime-scheduled",
      change: "CHG-3",
    });
    expect(
      t("change.transition", "CHG-3", { number: "CHG-3", from: "Scheduled", to: "Implement" }),
    ).toBeUndefined();
    expect(t("change.create", "CHG-5", { number: "CHG-5", type: "normal" })).toBeUndefined();
    expect(t("change.create", "CHG-5", { number: "CHG-5", type: "emergency" })).toEqual({
      kind: "emergency",
      change: "CHG-5",
    });
    expect(t("run.start", "run/r1", {})).toEqual({ kind: "started", run: "r1" });
    expect(t("run.finish", "run/r1", { phase: "Succeeded" })).toEqual({
      kind: "completed",
      run: "r1",
      phase: "Succeeded",
    });
    expect(t("run.finish", "run/r1", { phase: "RolledBack" })).toEqual({
      kind: "rolled-back",
      run: "r1",
      phase: "RolledBack",
    });
    expect(t("run.finish", "run/r1", { phase: "Aborted" })).toEqual({
      kind: "failed",
      run: "r1",
      phase: "Aborted",
    });
    expect(t("run.signal", "run/r1", { kind: "pause" })).toBeUndefined();
    expect(t("notification.sent", "CHG-3", { id: "ntf-1" })).toBeUndefined();
  });

  it("drops a created change that its facts show is not an emergency, and uses entry data when the facts port knows nothing", async () => {
    const none: NotificationFactsPort = { change: async () => undefined, run: async () => undefined };
    const entry = { seq: 1, at: "2026-11-27T10:00:00.000Z", actor: "carol" };
    expect(
      await notificationEventOf({ ...entry, data: {} }, { kind: "emergency", change: "CHG-9" }, none),
    ).toBeUndefined();
    const data = {
      environment: "prod",
      release: "r",
      type: "emergency",
      window: { start: 0, end: 3_600_000 },
      services: ["orders", { name: "ledger", tier: 1 }],
    };
    const event = await notificationEventOf({ ...entry, data }, { kind: "emergency", change: "CHG-9" }, none);
    expect(event).toMatchObject({
      kind: "emergency",
      change: { number: "CHG-9", environment: "prod", type: "emergency" },
    });
    expect(changeFactsFromData("CHG-9", data)?.services.map((s) => `${s.name}/${s.tier}`)).toEqual([
      "orders/undefined",
      "ledger/1",
    ]);
  });
});

describe("retry backoff", () => {
  it("doubles from the base, stays within the cap, and spreads by jitter", () => {
    const policy = { baseMs: 1_000, maxMs: 60_000 };
    expect([1, 2, 3, 4].map((n) => retryDelayMs(n, policy, 1))).toEqual([1_000, 2_000, 4_000, 8_000]);
    expect([1, 2, 3, 4].map((n) => retryDelayMs(n, policy, 0))).toEqual([500, 1_000, 2_000, 4_000]);
    expect(retryDelayMs(40, policy, 0.999)).toBeLessThanOrEqual(60_000);
    expect(retryDelayMs(40, policy, 0)).toBe(30_000);
  });
});

describe("webhook signatures", () => {
  const body = '{"specversion":"1.0"}';
  it("verifies its own signature and refuses a changed body, a wrong secret, a stale time and a malformed header", () => {
    const header = signWebhook("s3cret", body, 1_800_000_000);
    expect(verifyWebhookSignature("s3cret", body, header, 1_800_000_010)).toEqual({
      kind: "ok",
      unixSeconds: 1_800_000_000,
    });
    expect(verifyWebhookSignature("s3cret", `${body}\n`, header, 1_800_000_010).kind).toBe("mismatch");
    expect(verifyWebhookSignature("other", body, header, 1_800_000_010).kind).toBe("mismatch");
    expect(verifyWebhookSignature("s3cret", body, header, 1_800_001_000).kind).toBe("stale");
    expect(verifyWebhookSignature("s3cret", body, "sha256=abc", 1_800_000_010).kind).toBe("malformed");
    expect(verifyWebhookSignature("s3cret", body, undefined, 1_800_000_010).kind).toBe("malformed");
  });
});
