import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { STORE_TARGETS } from "../../test/support/store-targets.js";
import { DomainError } from "../core/errors/domain-error.js";
import { advanceCheckpoint, initialCheckpoint } from "../core/migrations/backfill-checkpoint.js";
import { BackfillCheckpointRepository } from "./backfill-checkpoint-repository.js";
import type { Store } from "./store.js";

describe.each(STORE_TARGETS)("backfill checkpoints on $name", (target) => {
  let store: Store;
  let cleanup: () => Promise<void>;
  let repo: BackfillCheckpointRepository;
  beforeEach(async () => {
    ({ store, cleanup } = await target.open());
    repo = new BackfillCheckpointRepository(store.database);
  });
  afterEach(async () => cleanup());

  it("keeps the last key, counts and checksum across saves", async () => {
    const start = initialCheckpoint("orders-cents", "f1", "orders", 1000, 1_700_000_000_000);
    await repo.save(start, null);
    const next = advanceCheckpoint(
      start,
      { rows: 1000, upperKey: "1000", hashSum: "1152921504606846975" },
      2000,
      1_700_000_000_500,
    );
    await repo.save(next, 0);
    expect(await repo.load("orders-cents")).toEqual(next);
    expect(await repo.load("other")).toBeUndefined();
  });

  it("refuses a save from a runner that read an older checkpoint", async () => {
    const start = initialCheckpoint("b", "f1", "t", 1000, 1);
    await repo.save(start, null);
    const a = advanceCheckpoint(start, { rows: 10, upperKey: "10", hashSum: "1" }, 1000, 2);
    await repo.save(a, 0);
    const error = await repo.save(a, 0).catch((e: unknown) => e);
    expect((error as DomainError).code).toBe("backfill.checkpoint-moved");
    const dup = await repo.save(start, null).catch((e: unknown) => e);
    expect(dup).toBeInstanceOf(DomainError);
    expect(await repo.remove("b")).toBe(true);
    expect(await repo.list()).toEqual([]);
  });
});
