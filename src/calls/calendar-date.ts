import { isValid, parse } from 'date-fns';

/** A date as queries, the Home tab and its state write it (`2026-03-01`); `isCalendarDate` also checks the day. */
export const ISO_DATE_PATTERN = /^\d{4}-\d{2}-\d{2}$/;

/** Whether `YYYY-MM-DD` names a real calendar day (2026-02-30 does not). */
export function isCalendarDate(date: string): boolean {
  return ISO_DATE_PATTERN.test(date) && isValid(parse(date, 'yyyy-MM-dd', new Date(2000, 0, 1)));
}
