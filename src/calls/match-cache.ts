/**
 * A small LRU cache with a time to live, bounded both by the number of entries and by their total weight
 * (for the search: the number of records held). Used so that the next page of a search costs no requests.
 */
export interface LruCacheOptions {
  /** Most entries kept; the least recently used goes first. */
  maxEntries: number;
  /** Most total weight kept; an entry heavier than this on its own is not stored. */
  maxWeight: number;
  /** How long an entry stays usable after it was stored. */
  ttlMs: number;
  /** Milliseconds; default Date.now. */
  now?: () => number;
}

interface Entry<V> {
  value: V;
  weight: number;
  expiresAt: number;
}

export class LruCache<V> {
  // A Map iterates in insertion order: re-inserting on every hit keeps the least recently used first.
  private readonly entries = new Map<string, Entry<V>>();
  private totalWeight = 0;
  private readonly now: () => number;

  constructor(private readonly options: LruCacheOptions) {
    this.now = options.now ?? Date.now;
  }

  get size(): number {
    return this.entries.size;
  }

  get weight(): number {
    return this.totalWeight;
  }

  get(key: string): V | undefined {
    const entry = this.entries.get(key);
    if (entry === undefined) return undefined;
    if (entry.expiresAt <= this.now()) {
      this.delete(key);
      return undefined;
    }
    this.entries.delete(key);
    this.entries.set(key, entry);
    return entry.value;
  }

  /** Stores (or replaces) an entry; its TTL starts now. Returns false when it was too heavy to keep. */
  set(key: string, value: V, weight: number): boolean {
    this.delete(key);
    if (weight > this.options.maxWeight || this.options.maxEntries < 1) return false;
    this.entries.set(key, { value, weight, expiresAt: this.now() + this.options.ttlMs });
    this.totalWeight += weight;
    this.evict();
    return true;
  }

  /** Changes an entry's weight (its value grew in place) without renewing its TTL. */
  reweigh(key: string, weight: number): void {
    const entry = this.entries.get(key);
    if (entry === undefined) return;
    this.totalWeight += weight - entry.weight;
    entry.weight = weight;
    if (weight > this.options.maxWeight) this.delete(key);
    else this.evict();
  }

  delete(key: string): void {
    const entry = this.entries.get(key);
    if (entry === undefined) return;
    this.entries.delete(key);
    this.totalWeight -= entry.weight;
  }

  clear(): void {
    this.entries.clear();
    this.totalWeight = 0;
  }

  private evict(): void {
    const now = this.now();
    for (const [key, entry] of this.entries) {
      if (entry.expiresAt <= now) this.delete(key);
    }
    for (const key of this.entries.keys()) {
      if (this.entries.size <= this.options.maxEntries && this.totalWeight <= this.options.maxWeight) break;
      this.delete(key);
    }
  }
}
