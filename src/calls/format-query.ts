import type { CallQuery, LocalDateTime, RangeSpec } from './query.js';
import { CALL_TYPE_WORDS, MEDIA_TYPE_WORDS, UNIT_SECONDS } from './query-aliases.js';
import { parseDuration } from './query-limits.js';

function formatWhen(when: LocalDateTime): string {
  if (when.time === undefined) return when.date;
  if (when.date === 'today') return when.time;
  return `${when.date}T${when.time}`;
}

function formatRange(range: RangeSpec): string[] {
  switch (range.kind) {
    case 'retained':
      return [];
    case 'relative': {
      const parsed = parseDuration(range.label, false);
      if ('seconds' in parsed && parsed.seconds === range.seconds) return [`last:${parsed.label}`];
      const minutes = Math.max(1, Math.ceil(range.seconds / 60));
      for (const unit of ['w', 'd', 'h'] as const) {
        const perUnit = UNIT_SECONDS[unit] / 60;
        if (minutes % perUnit === 0) return [`last:${minutes / perUnit}${unit}`];
      }
      return [`last:${minutes}m`];
    }
    case 'day':
      return [range.day];
    case 'absolute': {
      const parts: string[] = [];
      if (range.from) parts.push(`from:${formatWhen(range.from)}`);
      if (range.to) parts.push(`to:${formatWhen(range.to)}`);
      return parts;
    }
  }
}

/**
 * Writes a query back in the grammar (`user:147 result:Interrupt type:single last:24h`), so that
 * `parseQuery(formatQuery(q))` gives `q` again. A query without any filter gives the empty string.
 */
export function formatQuery(query: CallQuery): string {
  const parts: string[] = [];
  if (query.users.length > 0) parts.push(`user:${query.users.join(',')}`);
  for (const name of query.names ?? []) parts.push(`name:"${name}"`);
  if (query.results.length > 0) parts.push(`result:${query.results.join(',')}`);
  if (query.callTypes.length > 0) parts.push(`type:${query.callTypes.map((t) => CALL_TYPE_WORDS[t]).join(',')}`);
  if (query.mediaTypes.length > 0) parts.push(`media:${query.mediaTypes.map((m) => MEDIA_TYPE_WORDS[m]).join(',')}`);
  parts.push(...formatRange(query.range));
  if (query.callId !== undefined) parts.push(`id:${query.callId}`);
  return parts.join(' ');
}
