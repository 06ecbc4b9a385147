import type { FastifyInstance } from "fastify";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { STORE_TARGETS } from "../../../test/support/store-targets.js";
import type { Store } from "../../store/store.js";
import { buildApp } from "../app.js";

describe.each(STORE_TARGETS)("GET /v1/changes/{number}/communications on $name", (target) => {
  let store: Store;
  let cleanup: () => Promise<void>;
  let app: FastifyInstance;
  let viewer: string;
  beforeEach(async () => {
    ({ store, cleanup } = await target.open());
    app = await buildApp({ store });
    viewer = (await store.tokens.create("viewer", "viewer", new Date())).token;
  });
  afterEach(async () => {
    await app.close();
    await cleanup();
  });

  it("lists what the change sent and what is still queued, and refuses a malformed number", async () => {
    const base = {
      event: "downtime-scheduled",
      runId: null,
      policy: "comms",
      channelType: "email" as const,
      timeZone: "Europe/Berlin",
      subject: "Scheduled maintenance",
      bodyText: "text",
      bodyHtml: "<p>text</p>",
      payload: null,
    };
    await store.notifications.ensureCursor("dispatcher", 0);
    await store.notifications.enqueue(
      "dispatcher",
      0,
      2,
      [
        {
          ...base,
          id: "ntf-1",
          auditSeq: 1,
          changeNumber: "CHG-3",
          channel: "mail",
          recipient: "alice",
          address: "a@x.test",
        },
        {
          ...base,
          id: "ntf-2",
          auditSeq: 2,
          changeNumber: "CHG-3",
          channel: "mail",
          recipient: "bob",
          address: "b@x.test",
        },
        {
          ...base,
          id: "ntf-3",
          auditSeq: 2,
          changeNumber: "CHG-4",
          channel: "mail",
          recipient: "bob",
          address: "b@x.test",
        },
      ],
      Date.parse("2026-11-27T10:00:00Z"),
    );
    const [first] = await store.notifications.claimDue("me", Date.parse("2026-11-27T10:00:00Z"), 1000, 1);
    await store.notifications.markSent(first as never, "me", Date.parse("2026-11-27T10:00:01Z"));

    const headers = { authorization: `Bearer ${viewer}` };
    const res = await app.inject({ url: "/v1/changes/CHG-3/communications", headers });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.change).toBe("CHG-3");
    expect(body.communications.map((c: { id: string; state: string }) => `${c.id}:${c.state}`)).toEqual([
      "ntf-1:sent",
      "ntf-2:pending",
    ]);
    expect(body.communications[0]).toMatchObject({
      recipient: "alice",
      timeZone: "Europe/Berlin",
      sentAt: "2026-11-27T10:00:01.000Z",
      attempts: 1,
    });
    const bad = await app.inject({ url: "/v1/changes/42/communications", headers });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().detail).toBe('a change number is CHG-<n>, such as CHG-42, not "42"');
  });
});
