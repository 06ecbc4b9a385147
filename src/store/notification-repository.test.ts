import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { STORE_TARGETS } from "../../test/support/store-targets.js";
import type { NewNotification } from "./notification-repository.js";
import type { Store } from "./store.js";

const message = (id: string, auditSeq: number, changeNumber = "CHG-1"): NewNotification => ({
  id,
  auditSeq,
  event: "downtime-scheduled",
  changeNumber,
  runId: null,
  policy: "comms",
  channel: "mail",
  channelType: "email",
  recipient: "alice",
  address: "alice@example.test",
  timeZone: "Europe/Berlin",
  subject: "s",
  bodyText: "t",
  bodyHtml: "<p>t</p>",
  payload: null,
});

describe.each(STORE_TARGETS)("notification outbox on $name", (target) => {
  let store: Store;
  let cleanup: () => Promise<void>;
  beforeEach(async () => {
    ({ store, cleanup } = await target.open());
  });
  afterEach(async () => cleanup());

  it("queues and moves the cursor together, refusing a stale cursor and keeping the first copy of an id", async () => {
    const n = store.notifications;
    expect(await n.ensureCursor("d", 5)).toBe(5);
    expect(await n.ensureCursor("d", 9)).toBe(5); // an existing cursor stays where it is
    expect(await n.enqueue("d", 5, 8, [message("ntf-a", 6), message("ntf-b", 7)], 1_000)).toBe(true);
    // A second dispatcher that read from 5 as well loses the race: nothing queued, cursor unchanged.
    expect(await n.enqueue("d", 5, 8, [message("ntf-c", 6)], 1_000)).toBe(false);
    expect(await n.cursor("d")).toBe(8);
    // A replay of an id already queued adds nothing (and does not reset the first copy).
    expect(await n.enqueue("d", 8, 9, [{ ...message("ntf-a", 6), subject: "changed" }], 2_000)).toBe(true);
    const queued = await n.pending();
    expect(queued.map((m) => [m.id, m.subject])).toEqual([
      ["ntf-a", "s"],
      ["ntf-b", "s"],
    ]);
  });

  it("gives a due message to one claimant at a time, and only the holder can mark it", async () => {
    const n = store.notifications;
    await n.ensureCursor("d", 0);
    await n.enqueue("d", 0, 1, [message("ntf-a", 1)], 1_000);
    const [mine] = await n.claimDue("one", 1_000, 5_000, 10);
    expect(mine?.id).toBe("ntf-a");
    expect(await n.claimDue("two", 2_000, 5_000, 10)).toEqual([]); // held by "one"
    expect(await n.markSent(mine as never, "two", 2_000)).toBe(false);
    await n.markFailed(mine as never, "one", "ECONNREFUSED", 9_000);
    expect(await n.claimDue("two", 8_999, 5_000, 10)).toEqual([]); // not due yet
    expect(await n.nextDueAt()).toBe(9_000);
    const [again] = await n.claimDue("two", 9_000, 5_000, 10);
    expect(again).toMatchObject({ id: "ntf-a", attempts: 1, lastError: "ECONNREFUSED" });
    expect(await n.markSent(again as never, "two", 9_100)).toBe(true);
    expect(await n.markSent(again as never, "two", 9_200)).toBe(false); // sent once only
    const [archived] = await n.forChange("CHG-1");
    expect(archived).toMatchObject({ state: "sent", attempts: 2, sentAt: 9_100 });
    const head = await store.audit.head();
    const [last] = (await store.audit.segment(head.seq, head.seq)).records;
    expect(last).toMatchObject({ action: "notification.sent", subject: "CHG-1", actor: "system" });
  });

  it("takes over a message whose claim ran out (a sender that died mid-send)", async () => {
    const n = store.notifications;
    await n.ensureCursor("d", 0);
    await n.enqueue("d", 0, 1, [message("ntf-a", 1)], 1_000);
    await n.claimDue("dead", 1_000, 5_000, 10);
    expect(await n.claimDue("alive", 5_999, 5_000, 10)).toEqual([]);
    expect((await n.claimDue("alive", 6_001, 5_000, 10)).map((m) => m.id)).toEqual(["ntf-a"]);
  });
});
