import { sql } from "kysely";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { STORE_TARGETS } from "../../../test/support/store-targets.js";
import { WebhookReceiver } from "../../../test/support/webhook-receiver.js";
import { verifyWebhookSignature } from "../../core/notify/webhook-signature.js";
import type { Store } from "../../store/store.js";
import { anchorScheduleFromEnv, startAnchoring } from "./audit-anchoring.js";

const SECRET = "anchor-secret-5678";
const readSecret = (source: { kind: string; name?: string }) =>
  source.kind === "env" && source.name === "UPSHIFT_ANCHOR_WEBHOOK_SECRET" ? SECRET : undefined;

const entries = (n: number, from = 0) =>
  Array.from({ length: n }, (_, i) => ({
    at: new Date(Date.UTC(2026, 10, 27, 10, from + i)).toISOString(),
    actor: "alice",
    action: "change.approve",
    subject: `CHG-${from + i}`,
    data: { level: i % 2 },
  }));

/** Deletes the newest `n` entries behind the store's back, as someone with DDL rights could. */
async function truncateTail(store: Store, n: number): Promise<void> {
  const { db, dialect } = store.database;
  if (dialect === "sqlite") await sql`drop trigger audit_log_no_delete`.execute(db);
  else await sql`alter table audit_log disable trigger audit_log_no_change`.execute(db);
  await sql`delete from audit_log where seq > (select max(seq) from audit_log) - ${n}`.execute(db);
}

describe.each(STORE_TARGETS)("audit anchors sent to a webhook on $name", (target) => {
  let store: Store;
  let cleanup: () => Promise<void>;
  let receiver: WebhookReceiver;
  beforeEach(async () => {
    ({ store, cleanup } = await target.open());
    receiver = await WebhookReceiver.open();
  });
  afterEach(async () => {
    await receiver.close();
    await cleanup();
  });

  it("anchors periodically while the head moves, signed; a truncated tail is caught against the received anchor", async () => {
    await store.audit.append(entries(20));
    const anchoring = startAnchoring(
      store,
      {
        intervalMs: 60_000,
        webhook: { url: `${receiver.url}/anchors`, secretRef: "env:UPSHIFT_ANCHOR_WEBHOOK_SECRET" },
      },
      { readSecret: readSecret as never },
    );
    try {
      expect(await anchoring.anchorNow()).toMatchObject({ seq: 20 });
      expect(await anchoring.anchorNow()).toBeUndefined(); // the head has not moved: nothing new to anchor
      await store.audit.append(entries(5, 20));
      expect(await anchoring.anchorNow()).toMatchObject({ seq: 25 });
    } finally {
      await anchoring.stop();
    }
    expect(receiver.accepted).toHaveLength(2);
    const last = receiver.accepted[1];
    const check = verifyWebhookSignature(
      SECRET,
      last?.body ?? "",
      last?.headers["upshift-signature"] as string,
      Date.now() / 1000,
    );
    expect(check.kind).toBe("ok");
    const event = JSON.parse(last?.body ?? "{}");
    expect(event).toMatchObject({
      specversion: "1.0",
      type: "dev.upshift.audit.anchored.v1",
      data: { seq: 25 },
    });
    expect((await store.audit.latestAnchor())?.destination).toBe(`${receiver.url}/anchors`);

    await truncateTail(store, 3);
    // Without the anchor the shortened chain still links: only the anchor shows what is gone.
    expect((await store.audit.verify()).kind).toBe("intact");
    const verdict = await store.audit.verify({ anchor: { seq: event.data.seq, hash: event.data.hash } });
    expect(verdict).toMatchObject({
      kind: "tampered",
      verified: 22,
      finding: { kind: "truncated", lastSeq: 22, anchorSeq: 25 },
    });
  });
});

describe("anchor schedule from the environment", () => {
  it("is off without a destination and defaults to hourly with one", () => {
    expect(anchorScheduleFromEnv({})).toBeUndefined();
    expect(anchorScheduleFromEnv({ UPSHIFT_ANCHOR_FILE: "/var/lib/upshift/anchor.json" })).toEqual({
      intervalMs: 3_600_000,
      file: "/var/lib/upshift/anchor.json",
    });
    expect(
      anchorScheduleFromEnv({
        UPSHIFT_ANCHOR_WEBHOOK: "https://a.example.com",
        UPSHIFT_ANCHOR_INTERVAL: "15m",
      }),
    ).toEqual({
      intervalMs: 900_000,
      webhook: { url: "https://a.example.com", secretRef: "env:UPSHIFT_ANCHOR_WEBHOOK_SECRET" },
    });
  });

  it("names the variable that is wrong", () => {
    expect(() => anchorScheduleFromEnv({ UPSHIFT_ANCHOR_INTERVAL: "5m" })).toThrow(
      "UPSHIFT_ANCHOR_INTERVAL is set but no destination: set UPSHIFT_ANCHOR_FILE or UPSHIFT_ANCHOR_WEBHOOK",
    );
    expect(() =>
      anchorScheduleFromEnv({ UPSHIFT_ANCHOR_FILE: "/a", UPSHIFT_ANCHOR_INTERVAL: "soon" }),
    ).toThrow(/UPSHIFT_ANCHOR_INTERVAL="soon" is not a duration/);
  });

  it("refuses to start with a webhook whose secret is not set", async () => {
    const store = {} as Store;
    expect(() =>
      startAnchoring(
        store,
        {
          intervalMs: 1000,
          webhook: { url: "https://a.example.com", secretRef: "env:UPSHIFT_ANCHOR_WEBHOOK_SECRET" },
        },
        { readSecret: () => undefined },
      ),
    ).toThrow("secret env:UPSHIFT_ANCHOR_WEBHOOK_SECRET is not set");
    expect(() =>
      startAnchoring(
        store,
        { intervalMs: 1000, webhook: { url: "ftp://a", secretRef: "env:X" } },
        { readSecret: () => "s" },
      ),
    ).toThrow('"ftp://a": ftp: is not http: or https:');
  });
});
