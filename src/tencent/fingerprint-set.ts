/**
 * A set of 64-bit fingerprints of strings, used to deduplicate records by CallId during a scan.
 *
 * Why not a Set<string>: a CallId is a 36-character UUID, and a JS string plus its Set entry costs ~80-100 bytes;
 * here an entry costs 16 bytes of typed array (two 32-bit halves at load factor <= 0.5), i.e. ~3 MB for the
 * 200,000-record scan of the performance target instead of ~20 MB, and nothing for the garbage collector to
 * walk. The price is a false "already seen" with probability ~n²/2^65 (about 1e-9 at a million records).
 */
export class FingerprintSet {
  #hi: Uint32Array;
  #lo: Uint32Array;
  #mask: number;
  #size = 0;

  constructor(initialCapacity = 1024) {
    let capacity = 16;
    while (capacity < initialCapacity * 2) capacity *= 2;
    this.#hi = new Uint32Array(capacity);
    this.#lo = new Uint32Array(capacity);
    this.#mask = capacity - 1;
  }

  get size(): number {
    return this.#size;
  }

  /** Adds the string's fingerprint; false when it was already there. */
  add(value: string): boolean {
    const [hi, lo] = fingerprint(value);
    if (!this.#insert(hi, lo)) return false;
    this.#size += 1;
    if (this.#size * 2 > this.#hi.length) this.#grow();
    return true;
  }

  has(value: string): boolean {
    const [hi, lo] = fingerprint(value);
    let i = lo & this.#mask;
    for (;;) {
      const h = this.#hi[i] as number;
      const l = this.#lo[i] as number;
      if (h === 0 && l === 0) return false;
      if (h === hi && l === lo) return true;
      i = (i + 1) & this.#mask;
    }
  }

  #insert(hi: number, lo: number): boolean {
    let i = lo & this.#mask;
    for (;;) {
      const h = this.#hi[i] as number;
      const l = this.#lo[i] as number;
      if (h === 0 && l === 0) {
        this.#hi[i] = hi;
        this.#lo[i] = lo;
        return true;
      }
      if (h === hi && l === lo) return false;
      i = (i + 1) & this.#mask;
    }
  }

  #grow(): void {
    const oldHi = this.#hi;
    const oldLo = this.#lo;
    this.#hi = new Uint32Array(oldHi.length * 2);
    this.#lo = new Uint32Array(oldLo.length * 2);
    this.#mask = this.#hi.length - 1;
    for (let i = 0; i < oldHi.length; i++) {
      const h = oldHi[i] as number;
      const l = oldLo[i] as number;
      if (h !== 0 || l !== 0) this.#insert(h, l);
    }
  }
}

/** Two 32-bit halves of a cyrb53-style hash (0,0 is reserved for "empty slot" and mapped away). */
function fingerprint(value: string): [number, number] {
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 2654435761);
    h2 = Math.imul(h2 ^ c, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  const hi = h1 >>> 0;
  const lo = h2 >>> 0;
  return hi === 0 && lo === 0 ? [0, 1] : [hi, lo];
}
