import { describe, expect, it } from 'vitest';
import { LruCache } from '../../src/calls/match-cache.js';

function cache(options: { maxEntries?: number; maxWeight?: number; ttlMs?: number } = {}) {
  let now = 0;
  const lru = new LruCache<string>({
    maxEntries: options.maxEntries ?? 3,
    maxWeight: options.maxWeight ?? 100,
    ttlMs: options.ttlMs ?? 1000,
    now: () => now,
  });
  return {
    lru,
    advance(ms: number) {
      now += ms;
    },
  };
}

describe('LruCache (the search cache)', () => {
  it('evicts the least recently used entry beyond maxEntries', () => {
    const { lru } = cache({ maxEntries: 2 });
    lru.set('a', 'A', 1);
    lru.set('b', 'B', 1);
    expect(lru.get('a')).toBe('A'); // a is now the most recent
    lru.set('c', 'C', 1);
    expect(lru.get('b')).toBeUndefined();
    expect(lru.get('a')).toBe('A');
    expect(lru.get('c')).toBe('C');
  });

  it('evicts by total weight (records held) too', () => {
    const { lru } = cache({ maxEntries: 10, maxWeight: 100 });
    lru.set('a', 'A', 60);
    lru.set('b', 'B', 30);
    lru.set('c', 'C', 30);
    expect(lru.get('a')).toBeUndefined();
    expect(lru.weight).toBe(60);
    expect(lru.size).toBe(2);
  });

  it('does not keep an entry heavier than the whole budget', () => {
    const { lru } = cache({ maxWeight: 100 });
    lru.set('small', 's', 10);
    expect(lru.set('huge', 'H', 101)).toBe(false);
    expect(lru.get('huge')).toBeUndefined();
    expect(lru.get('small')).toBe('s');
  });

  it('forgets entries after the TTL', () => {
    const { lru, advance } = cache({ ttlMs: 1000 });
    lru.set('a', 'A', 1);
    advance(999);
    expect(lru.get('a')).toBe('A');
    advance(1);
    expect(lru.get('a')).toBeUndefined();
    expect(lru.size).toBe(0);
    expect(lru.weight).toBe(0);
  });

  it('reweighs an entry that grew, evicting others if needed', () => {
    const { lru } = cache({ maxEntries: 10, maxWeight: 100 });
    lru.set('a', 'A', 10);
    lru.set('b', 'B', 10);
    lru.reweigh('b', 95);
    expect(lru.get('a')).toBeUndefined();
    expect(lru.get('b')).toBe('B');
    expect(lru.weight).toBe(95);
  });

  it('replacing a key keeps the weight right', () => {
    const { lru } = cache();
    lru.set('a', 'A', 10);
    lru.set('a', 'A2', 20);
    expect(lru.weight).toBe(20);
    lru.delete('a');
    expect(lru.weight).toBe(0);
  });
});
