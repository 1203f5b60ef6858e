/**
 * mulberry32: tiny, fast and good enough for demo data. The dataset must be reproducible from a seed, which
 * Math.random cannot give.
 */
export type Rng = () => number;

export function mulberry32(seed: number): Rng {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Integer in [min, max], both inclusive. */
export function intBetween(rng: Rng, min: number, max: number): number {
  return min + Math.floor(rng() * (max - min + 1));
}

export function pick<T>(rng: Rng, items: readonly T[]): T {
  return items[Math.floor(rng() * items.length)] as T;
}

/** Index chosen with probability proportional to its weight, via a precomputed cumulative table. */
export function weightedPicker(weights: readonly number[]): (rng: Rng) => number {
  const cumulative: number[] = [];
  let total = 0;
  for (const w of weights) {
    total += w;
    cumulative.push(total);
  }
  return (rng) => {
    const x = rng() * total;
    let lo = 0;
    let hi = cumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((cumulative[mid] as number) > x) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  };
}

const HEX = '0123456789abcdef';

/** A version-4-shaped UUID drawn from the seeded generator, so CallIds are stable across runs. */
export function uuidFrom(rng: Rng): string {
  let out = '';
  for (let i = 0; i < 32; i++) {
    let nibble = Math.floor(rng() * 16);
    if (i === 12) nibble = 4;
    else if (i === 16) nibble = 8 + (nibble & 3);
    if (i === 8 || i === 12 || i === 16 || i === 20) out += '-';
    out += HEX[nibble];
  }
  return out;
}
