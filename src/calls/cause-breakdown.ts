/**
 * What dropped calls have in common: how many of them share each cause and side ("the callee's app went offline"),
 * from their events. Calls without events are counted as such, never guessed.
 */
import { callCause, causeGroup, NO_EVENTS_GROUP } from './call-cause.js';
import type { CallEvent } from './call-events.js';
import type { CallRecord } from './records.js';

export interface CauseCount {
  /** "the callee's app went offline", "no events", … (`causeGroup`). */
  group: string;
  count: number;
}

/** Groups, most calls first (ties by name), calls without events last. */
export function causeBreakdown(
  records: readonly CallRecord[],
  events: ReadonlyMap<string, readonly CallEvent[]>,
): CauseCount[] {
  const counts = new Map<string, number>();
  for (const record of records) {
    const group = causeGroup(callCause(record, events.get(record.callId) ?? []));
    counts.set(group, (counts.get(group) ?? 0) + 1);
  }
  return [...counts]
    .map(([group, count]) => ({ group, count }))
    .sort(
      (a, b) =>
        Number(a.group === NO_EVENTS_GROUP) - Number(b.group === NO_EVENTS_GROUP) ||
        b.count - a.count ||
        (a.group < b.group ? -1 : a.group > b.group ? 1 : 0),
    );
}

/** "9 of 14 dropped calls: the callee's app went offline; 3: the caller's app went offline; 2: no events". */
export function breakdownSentence(breakdown: readonly CauseCount[]): string {
  const total = breakdown.reduce((sum, entry) => sum + entry.count, 0);
  return breakdown
    .map((entry, index) =>
      index === 0
        ? `${entry.count.toLocaleString('en-US')} of ${total.toLocaleString('en-US')} dropped calls: ${entry.group}`
        : `${entry.count.toLocaleString('en-US')}: ${entry.group}`,
    )
    .join('; ');
}
