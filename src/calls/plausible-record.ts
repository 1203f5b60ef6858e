/**
 * What a real call record can look like, decided once for every way a record arrives (the sync's downloads, the
 * end-of-call callback). A record that breaks these rules is refused at the edge and counted as unreadable: stored,
 * it would poison every search, export and summary that reads it (a time no date type can show, a talk time of
 * centuries). See docs/record-plausibility.md for why each bound is where it is.
 */
import type { CallRecord } from './records.js';

/**
 * 2015-01-01T00:00:00Z. Tencent's call records (TRTC/TUICallKit) did not exist before this, so no SDKAppID can have
 * a call that started earlier; a time before it is a unit or clock error, not history.
 */
export const EARLIEST_CALL_TIME = 1_420_070_400;

/** Clock skew allowed between Tencent and us: a call may appear to end up to this far in our future. */
export const MAX_FUTURE_SKEW_SECONDS = 5 * 60;

/**
 * The longest call we accept: 7 days. A TUICallKit call is torn down when a heartbeat expires, so even a call left
 * open over a weekend ends within days; anything longer is a broken time, and it would make "talked" absurd.
 */
export const MAX_CALL_SECONDS = 7 * 86_400;

/**
 * Why `record`'s times could not be a real call's, or undefined when they could. `now` is the injected clock, in
 * Unix seconds.
 */
export function implausibleTimes(
  record: Pick<CallRecord, 'startTime' | 'endTime' | 'acceptTime'>,
  now: number,
): string | undefined {
  const { startTime, endTime, acceptTime } = record;
  const times = acceptTime === null ? [startTime, endTime] : [startTime, endTime, acceptTime];
  if (startTime < EARLIEST_CALL_TIME) return 'StartTime before any Tencent call record could exist';
  if (endTime > now + MAX_FUTURE_SKEW_SECONDS) return 'EndTime in the future';
  if (endTime < startTime) return 'EndTime before StartTime';
  if (endTime - startTime > MAX_CALL_SECONDS) return 'a call longer than any real call';
  if (acceptTime !== null && (acceptTime < startTime || acceptTime > endTime)) {
    return 'AcceptTime outside StartTime..EndTime';
  }
  // Last, so that a huge time is named by the bound it breaks; this catches what compares false with everything.
  if (!times.every(Number.isSafeInteger)) return 'a time that is not a whole number of seconds';
  return undefined;
}

/** C0 controls (NUL included), DEL and C1 controls: nothing a person typed, and PostgreSQL refuses NUL in text. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point.
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f-\u009f]/g;

/**
 * An identifier (CallId, user ID, room ID) must round-trip exactly, through both store engines and back to Tencent,
 * so one with a control character is refused rather than altered.
 */
export function hasControlCharacters(id: string): boolean {
  CONTROL_CHARACTERS.lastIndex = 0;
  return CONTROL_CHARACTERS.test(id);
}

/** Free text (media type, call type, result) is only shown: control characters are removed. */
export function stripControlCharacters(text: string): string {
  return text.replace(CONTROL_CHARACTERS, '');
}
