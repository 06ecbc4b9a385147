/** Int32 words per slot: hash, id, length, then up to INLINE_UNITS code units, two per word. */
const SLOT_WORDS = 8;
const INLINE_UNITS = 10;

/**
 * Interns names to small integers (0, 1, 2 … in order of first sight), so that indexes are
 * arrays rather than hash maps. An open-addressing table with linear probing (Knuth, TAOCP vol. 3,
 * §6.4, algorithm L) over one typed array, kept at most half full. A 100,000-service fleet looks
 * up about 700,000 API names, most of them in a random order, so each lookup is a cache miss (and,
 * past the TLB's reach, a page walk) wherever it lands. A `Map` compares each hit with its stored
 * key string, scattered over the heap with the documents, and re-reads every key's hash from its
 * string when it grows; three arrays (slots, hashes, a copy of the names' code units) cost three
 * misses a lookup. Here a slot holds the hash, the id, the length and, for a name of at most ten
 * code units (API names usually are), the units themselves: a lookup reads the name it is given
 * and one slot (32 bytes). A longer name is compared with the name first seen. Hash: FNV-1a
 * (Fowler, Noll, Vo) over code units.
 */
export class StringInterner {
  /**
   * The names by id: the first `#count` entries. Sized to `expected` up front, since a list grown by
   * push to 100,000 names is copied half a dozen times on the way (3 MB per plan of such a fleet).
   */
  #names: string[];
  #count = 0;
  /** A slot's second word is its id + 1: a fresh (zeroed) table is empty without a pass to fill it. */
  #slots: Int32Array;
  #last = "";
  #lastId = -1;

  /** `expected`: about how many distinct names will come, so that the table need not grow to them. */
  constructor(expected = 0) {
    this.#names = expected > 0 ? new Array<string>(expected) : [];
    let slots = 1024;
    while (slots < 2 * expected) slots *= 2;
    this.#slots = new Int32Array(slots * SLOT_WORDS);
  }

  /** The names interned so far, by id. */
  get names(): readonly string[] {
    if (this.#names.length > this.#count) this.#names.length = this.#count;
    return this.#names;
  }

  id(name: string): number {
    return this.#find(name);
  }

  /**
   * `id` for names that come in runs, as a fleet's few ranges and versions do: the last name asked
   * answers a repeat without hashing. Not for names that rarely repeat in a row (API names): there
   * the comparison with the last name is a string comparison per lookup, spent for nothing.
   */
  idInRun(name: string): number {
    if (name === this.#last && this.#lastId >= 0) return this.#lastId;
    const id = this.#find(name);
    this.#last = name;
    this.#lastId = id;
    return id;
  }

  #find(name: string): number {
    const hash = hashOf(name);
    const slots = this.#slots;
    const mask = slots.length / SLOT_WORDS - 1;
    for (let slot = hash & mask; ; slot = (slot + 1) & mask) {
      const at = slot * SLOT_WORDS;
      const id = (slots[at + 1] ?? 0) - 1;
      if (id === -1) return this.#add(name, hash, at);
      if (slots[at] === hash && slots[at + 2] === name.length && this.#equals(at, id, name)) return id;
    }
  }

  /** Whether the slot at `at` (id `id`, same hash and length) holds `name`. */
  #equals(at: number, id: number, name: string): boolean {
    if (name.length > INLINE_UNITS) return this.#names[id] === name;
    const slots = this.#slots;
    for (let i = 0; i < name.length; i += 2) {
      if (slots[at + 3 + (i >> 1)] !== pair(name, i)) return false;
    }
    return true;
  }

  #add(name: string, hash: number, at: number): number {
    const fresh = this.#count++;
    if (fresh < this.#names.length) this.#names[fresh] = name;
    else this.#names.push(name);
    const slots = this.#slots;
    slots[at] = hash;
    slots[at + 1] = fresh + 1;
    slots[at + 2] = name.length;
    if (name.length <= INLINE_UNITS) {
      for (let i = 0; i < name.length; i += 2) slots[at + 3 + (i >> 1)] = pair(name, i);
    }
    if (this.#count * 2 * SLOT_WORDS > slots.length) this.#grow();
    return fresh;
  }

  /** Doubles the table, moving every slot by its stored hash: no string is read. */
  #grow(): void {
    const old = this.#slots;
    const slots = new Int32Array(old.length * 2);
    const mask = slots.length / SLOT_WORDS - 1;
    for (let from = 0; from < old.length; from += SLOT_WORDS) {
      if (old[from + 1] === 0) continue;
      let slot = (old[from] ?? 0) & mask;
      while (slots[slot * SLOT_WORDS + 1] !== 0) slot = (slot + 1) & mask;
      const to = slot * SLOT_WORDS;
      for (let w = 0; w < SLOT_WORDS; w++) slots[to + w] = old[from + w] ?? 0;
    }
    this.#slots = slots;
  }
}

/** FNV-1a (Fowler, Noll, Vo) over a name's code units. */
function hashOf(name: string): number {
  let hash = 0x811c9dc5 | 0;
  for (let i = 0; i < name.length; i++) hash = Math.imul(hash ^ name.charCodeAt(i), 0x01000193);
  return hash;
}

/** Code units i and i + 1 of `name` in one word (0 past its end). */
function pair(name: string, i: number): number {
  return name.charCodeAt(i) | ((i + 1 < name.length ? name.charCodeAt(i + 1) : 0) << 16);
}
