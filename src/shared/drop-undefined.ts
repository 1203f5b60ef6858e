/**
 * Options forwarded to another function's options: the keys whose value is undefined are left out, so the callee
 * sees them as absent (its `??` defaults and `{ ...defaults, ...options }` spreads keep their defaults), exactly as
 * `...(x === undefined ? {} : { x })` did one key at a time.
 */
export function dropUndefined<T extends object>(options: T): T {
  return Object.fromEntries(Object.entries(options).filter(([, value]) => value !== undefined)) as T;
}
