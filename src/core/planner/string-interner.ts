/**
 * Interns names to small integers (0, 1, 2 … in order of first sight), so that indexes are
 * arrays rather than hash maps. An open-addressing table with linear probing (Knuth, TAOCP vol. 3,
 * §6.4, algorithm L) over typed arrays, kept at most half full. A 100,000-service fleet interns
 * about 700,000 API names. A `Map` compares each hit with its stored key string, scattered over
 * the heap with the documents (a cache miss per lookup once the fleet outgrows the cache), and
 * re-reads every key's hash from its string when it grows. Here the slots, the cached hashes and
 * a copy of every name's UTF-16 code units sit in three typed arrays, so a lookup reads only the
 * name it is given and those arrays. Hash: FNV-1a (Fowler, Noll, Vo) over code units.
 */
export class StringInterner {
  readonly names: string[] = [];
  #slots = new Int32Array(1024).fill(-1);
  #hashes = new Int32Array(512);
  /** Name `id`'s code units are units[start[id] .. start[id + 1]). */
  #start = new Int32Array(513);
  #units = new Uint16Array(4096);
  #last = "";
  #lastId = -1;

  id(name: string): number {
    // Fleets repeat a few ranges and versions in a row: the last name answers them without hashing.
    if (name === this.#last && this.#lastId >= 0) return this.#lastId;
    const id = this.#find(name);
    this.#last = name;
    this.#lastId = id;
    return id;
  }

  #find(name: string): number {
    let hash = 0x811c9dc5 | 0;
    for (let i = 0; i < name.length; i++) hash = Math.imul(hash ^ name.charCodeAt(i), 0x01000193);
    const slots = this.#slots;
    const mask = slots.length - 1;
    for (let slot = hash & mask; ; slot = (slot + 1) & mask) {
      const id = slots[slot] ?? -1;
      if (id === -1) return this.#add(name, hash, slot);
      if (this.#hashes[id] === hash && this.#equals(id, name)) return id;
    }
  }

  #equals(id: number, name: string): boolean {
    const from = this.#start[id] ?? 0;
    if ((this.#start[id + 1] ?? 0) - from !== name.length) return false;
    const units = this.#units;
    for (let i = 0; i < name.length; i++) if (units[from + i] !== name.charCodeAt(i)) return false;
    return true;
  }

  #add(name: string, hash: number, slot: number): number {
    const fresh = this.names.length;
    this.names.push(name);
    if (fresh + 1 >= this.#hashes.length) {
      this.#hashes = grown(this.#hashes, this.#hashes.length * 2);
      this.#start = grown(this.#start, this.#start.length * 2);
    }
    const from = this.#start[fresh] ?? 0;
    if (from + name.length > this.#units.length) {
      const units = new Uint16Array(Math.max(this.#units.length * 2, from + name.length));
      units.set(this.#units);
      this.#units = units;
    }
    for (let i = 0; i < name.length; i++) this.#units[from + i] = name.charCodeAt(i);
    this.#start[fresh + 1] = from + name.length;
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

function grown(array: Int32Array, length: number): Int32Array<ArrayBuffer> {
  const bigger = new Int32Array(length);
  bigger.set(array);
  return bigger;
}
