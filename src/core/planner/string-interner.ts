/**
 * Interns names to small integers (0, 1, 2 … in order of first sight), so that indexes are
 * arrays rather than hash maps. An open-addressing table with linear probing (Knuth, TAOCP vol. 3,
 * §6.4, algorithm L) over typed arrays, kept at most half full. A 100,000-service fleet interns
 * about 700,000 API names; a `Map` keeps its entries in a separate table and re-reads every key's
 * hash from its string (scattered over the heap) when it grows, while here slots and cached
 * hashes are two typed arrays and a string is only compared when its hash matches.
 * Hash: FNV-1a (Fowler, Noll, Vo) over UTF-16 code units.
 */
export class StringInterner {
  readonly names: string[] = [];
  #slots = new Int32Array(1024).fill(-1);
  #hashes = new Int32Array(512);

  id(name: string): number {
    let hash = 0x811c9dc5 | 0;
    for (let i = 0; i < name.length; i++) hash = Math.imul(hash ^ name.charCodeAt(i), 0x01000193);
    const slots = this.#slots;
    const mask = slots.length - 1;
    for (let slot = hash & mask; ; slot = (slot + 1) & mask) {
      const id = slots[slot] ?? -1;
      if (id === -1) return this.#add(name, hash, slot);
      if (this.#hashes[id] === hash && this.names[id] === name) return id;
    }
  }

  #add(name: string, hash: number, slot: number): number {
    const fresh = this.names.length;
    this.names.push(name);
    if (fresh >= this.#hashes.length) {
      const hashes = new Int32Array(this.#hashes.length * 2);
      hashes.set(this.#hashes);
      this.#hashes = hashes;
    }
    this.#hashes[fresh] = hash;
    this.#slots[slot] = fresh;
    if (this.names.length * 2 > this.#slots.length) this.#grow();
    return fresh;
  }

  /** Doubles the table, placing every id again from its cached hash: no string is read. */
  #grow(): void {
    const slots = new Int32Array(this.#slots.length * 2).fill(-1);
    const mask = slots.length - 1;
    for (let id = 0; id < this.names.length; id++) {
      let slot = (this.#hashes[id] ?? 0) & mask;
      while (slots[slot] !== -1) slot = (slot + 1) & mask;
      slots[slot] = id;
    }
    this.#slots = slots;
  }
}
