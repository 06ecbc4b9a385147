import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { STORE_TARGETS } from "../../test/support/store-targets.js";
import { DomainError } from "../core/errors/domain-error.js";
import { openStore, type Store } from "./store.js";

const svc = (name: string, version: string, extra = "") =>
  `apiVersion: upshift.dev/v1alpha1\nkind: Service\nmetadata: {name: ${name}}\nspec: {version: ${version}${extra}}\n`;
const now = new Date("2026-11-27T10:00:00Z");

describe.each(STORE_TARGETS)("store on $name", (target) => {
  let store: Store;
  let cleanup: () => Promise<void>;
  let config: Parameters<typeof openStore>[0];
  beforeEach(async () => {
    ({ store, cleanup, config } = await target.open());
  });
  afterEach(async () => cleanup());

  it("applies, keeps generations and history, and treats an identical apply as a no-op", async () => {
    const first = await store.documents.apply([{ name: "a.yaml", text: svc("orders", "1.0.0") }], {
      actor: "alice",
      now,
    });
    expect(first.outcomes).toEqual([
      expect.objectContaining({ kind: "Service", name: "orders", generation: 1, action: "created" }),
    ]);
    const same = await store.documents.apply([{ name: "a.yaml", text: svc("orders", "1.0.0") }], {
      actor: "alice",
      now,
    });
    expect(same.outcomes[0]?.action).toBe("unchanged");
    const changed = await store.documents.apply([{ name: "a.yaml", text: svc("orders", "1.1.0") }], {
      actor: "bob",
      now,
    });
    expect(changed.outcomes[0]).toMatchObject({ action: "configured", generation: 2 });
    const got = await store.documents.get("Service", "orders");
    expect(got?.doc.kind === "Service" && got.doc.spec.version).toBe("1.1.0");
    expect(got?.updatedBy).toBe("bob");
    const history = await store.documents.history("Service", "orders");
    expect(history.map((h) => [h.generation, h.operation, h.actor])).toEqual([
      [1, "apply", "alice"],
      [2, "apply", "bob"],
    ]);
  });

  it("applies nothing when any document of the set is invalid", async () => {
    const files = [
      { name: "ok.yaml", text: svc("payments", "1.0.0") },
      { name: "bad.yaml", text: svc("orders", "1.0.0", ", dependsOn: [nope]") },
    ];
    const error = await store.documents.apply(files, { actor: null, now }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DomainError);
    expect((error as DomainError).code).toBe("documents.invalid");
    expect((error as DomainError).details).toEqual([
      expect.objectContaining({ code: "ref.unknown-service", file: "bad.yaml", line: 4 }),
    ]);
    expect(await store.documents.list()).toEqual([]);
  });

  it("validates references against stored documents and refuses deleting a referenced one", async () => {
    await store.documents.apply(
      [{ name: "p.yaml", text: svc("payments", "1.0.0", ", provides: [{api: pay, version: 1.0.0}]") }],
      { actor: null, now },
    );
    await store.documents.apply(
      [
        {
          name: "o.yaml",
          text: svc("orders", "1.0.0", ', requires: [{api: pay, range: "^1"}], dependsOn: [payments]'),
        },
      ],
      {
        actor: null,
        now,
      },
    );
    const refused = await store.documents
      .delete("Service", "payments", { actor: "alice", now })
      .catch((e: unknown) => e);
    expect((refused as DomainError).code).toBe("document.referenced");
    expect((refused as DomainError).message).toContain('Service "orders"');
    await store.documents.delete("Service", "orders", { actor: "alice", now });
    await store.documents.delete("Service", "payments", { actor: "alice", now });
    expect(await store.documents.list("Service")).toEqual([]);
    const history = await store.documents.history("Service", "payments");
    expect(history.at(-1)).toMatchObject({ operation: "delete", actor: "alice", generation: 2 });
    const missing = await store.documents
      .delete("Service", "payments", { actor: null, now })
      .catch((e: unknown) => e);
    expect((missing as DomainError).kind).toBe("not-found");
  });

  it("keeps only a hash of API tokens and authenticates until revoked", async () => {
    const { token, info } = await store.tokens.create("ci", "operator", now);
    expect(token).toMatch(/^upshift_[A-Za-z0-9_-]{43}$/);
    const rows = await store.database.db.selectFrom("api_tokens").selectAll().execute();
    expect(JSON.stringify(rows)).not.toContain(token);
    expect((await store.tokens.authenticate(token, now))?.role).toBe("operator");
    expect(await store.tokens.authenticate(`${token}x`, now)).toBeUndefined();
    await store.tokens.revoke(info.name, now);
    expect(await store.tokens.authenticate(token, now)).toBeUndefined();
  });

  it("migrates an existing store again without harm (a second server starting)", async () => {
    await store.documents.apply([{ name: "a.yaml", text: svc("orders", "1.0.0") }], { actor: null, now });
    const [a, b] = await Promise.all([openStore(config), openStore(config)]);
    expect((await a.documents.list()).length).toBe(1);
    expect((await b.documents.list()).length).toBe(1);
    await Promise.all([a.close(), b.close()]);
  });
});
