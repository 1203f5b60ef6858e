/**
 * A copy of a value to be logged with `clean` applied to every string in it (keys kept), through plain objects
 * and arrays. Other objects (errors, class instances) are kept as they are for their serializers, unless
 * `everyObject` (for a serializer's own output, whose objects have prototypes of their own): then their own
 * enumerable fields are copied too. Cycles and very deep values are cut rather than followed.
 */
export function redactValues(
  value: unknown,
  clean: (text: string) => string,
  options: { everyObject?: boolean } = {},
  depth = 0,
): unknown {
  if (typeof value === 'string') return clean(value);
  if (value === null || typeof value !== 'object') return value;
  if (depth > 8) return '[too deep]';
  if (Array.isArray(value)) return value.map((item) => redactValues(item, clean, options, depth + 1));
  const prototype = Object.getPrototypeOf(value);
  const plain = prototype === Object.prototype || prototype === null;
  if (!plain && (!options.everyObject || ArrayBuffer.isView(value) || value instanceof Date)) return value;
  const copy: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) copy[key] = redactValues(item, clean, options, depth + 1);
  return copy;
}
