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

const HEX_CODES = Array.from('0123456789abcdef', (c) => c.charCodeAt(0));
const DASH = '-'.charCodeAt(0);
const uuidCodes = new Array<number>(36).fill(DASH);

/** A version-4-shaped UUID drawn from the seeded generator, so CallIds are stable across runs. */
export function uuidFrom(rng: Rng): string {
  // Built from char codes into one flat string: a template of slices would leave a tree of string pieces
  // behind every CallId, which dominated the time of a 200,000-record dataset.
  let at = 0;
  for (let word = 0; word < 4; word++) {
    let bits = Math.floor(rng() * 4294967296);
    for (let n = 0; n < 8; n++, at++) {
      if (at === 8 || at === 13 || at === 18 || at === 23) at++;
      let nibble = bits & 15;
      bits >>>= 4;
      if (at === 14) nibble = 4;
      else if (at === 19) nibble = 8 | (nibble & 3);
      uuidCodes[at] = HEX_CODES[nibble] as number;
    }
  }
  return String.fromCharCode(...uuidCodes);
}
