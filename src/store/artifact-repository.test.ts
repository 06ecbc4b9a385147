import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { STORE_TARGETS } from "../../test/support/store-targets.js";
import { ConflictError, InputError } from "../core/errors/domain-error.js";
import type { Store } from "./store.js";

const A = `sha256:${"a".repeat(64)}`;
const B = `sha256:${"b".repeat(64)}`;
const now = new Date("2026-11-27T10:00:00Z");

describe.each(STORE_TARGETS)("artifact registry on $name", (target) => {
  let store: Store;
  let cleanup: () => Promise<void>;
  beforeEach(async () => {
    ({ store, cleanup } = await target.open());
  });
  afterEach(async () => cleanup());

  it("registers a version once; the same digest again is a no-op, another digest is refused", async () => {
    const first = await store.artifacts.register(
      { name: "orders", version: "2.0.0", digest: A, path: "/srv/orders-2.0.0" },
      { actor: "alice", now },
    );
    expect(first.created).toBe(true);
    const again = await store.artifacts.register(
      { name: "orders", version: "2.0.0", digest: A },
      { actor: "bob", now },
    );
    expect(again).toMatchObject({
      created: false,
      artifact: { registeredBy: "alice", path: "/srv/orders-2.0.0" },
    });
    const refused = store.artifacts.register(
      { name: "orders", version: "2.0.0", digest: B },
      { actor: "eve", now },
    );
    await expect(refused).rejects.toBeInstanceOf(ConflictError);
    await expect(refused).rejects.toThrow(/registered with digest sha256:a{64}.*never changes/);
    expect((await store.artifacts.get("orders", "2.0.0"))?.digest).toBe(A);
    // Only the first registration is a mutation, and it is audited.
    const entries: [string, string][] = [];
    await store.audit.scan((batch) => {
      for (const e of batch) if (e.action === "artifact.register") entries.push([e.subject, e.actor]);
    });
    expect(entries).toEqual([["artifact/orders/2.0.0", "alice"]]);
    expect((await store.audit.verify()).kind).toBe("intact");
  });

  it("names every problem of a bad registration, and lists by name", async () => {
    await expect(
      store.artifacts.register(
        { name: "Orders!", version: "two words", digest: "md5:x", path: "rel/p" },
        { actor: "a", now },
      ),
    ).rejects.toSatisfy(
      (e: unknown) =>
        e instanceof InputError &&
        /name "Orders!"/.test(e.message) &&
        /version "two words"/.test(e.message) &&
        /digest "md5:x"/.test(e.message) &&
        /path "rel\/p"/.test(e.message),
    );
    await store.artifacts.register({ name: "web", version: "1.0.0", digest: A }, { actor: "a", now });
    await store.artifacts.register({ name: "orders", version: "1.0.0", digest: B }, { actor: "a", now });
    expect((await store.artifacts.list()).map((x) => x.name)).toEqual(["orders", "web"]);
    expect((await store.artifacts.list("web")).map((x) => x.version)).toEqual(["1.0.0"]);
  });
});
