import { z } from 'zod';

/**
 * The shared building blocks of every input schema. Whatever a client sends must either fit a
 * column or be refused here with a 400 — never reach PostgreSQL and come back as a 500.
 */

// Control characters: NUL cannot be stored in text or jsonb at all, the others have no business in
// names or notes. Tab, line feed and carriage return are fine in multi-line notes.
const CONTROL = /\p{Cc}/u;
const CONTROL_EXCEPT_WHITESPACE = /[^\P{Cc}\t\n\r]/u;
// A high surrogate not followed by a low one, or a low one not preceded by a high one (no `u` flag: code units).
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** True when `value` holds no lone surrogate (which UTF-8 cannot encode) and no disallowed control character. */
export function isCleanText(value: string, opts: { multiline?: boolean } = {}): boolean {
  return !LONE_SURROGATE.test(value) && !(opts.multiline ? CONTROL_EXCEPT_WHITESPACE : CONTROL).test(value);
}

const DIRTY_MESSAGE = 'must not contain control characters, NUL bytes or unpaired surrogates';

/**
 * Text a person typed (names, notes, reasons, references, descriptions, search terms, config
 * values): trimmed, at most `max` characters, valid Unicode, no control characters (tab and line
 * breaks allowed when `multiline`).
 */
export function text(opts: { max: number; min?: number; multiline?: boolean }) {
  const min = opts.min ?? 0;
  return z
    .string()
    .trim()
    .min(min, min === 1 ? 'is required' : `must be at least ${min} characters`)
    .max(opts.max, `must be at most ${opts.max} characters`)
    .refine((v) => isCleanText(v, opts), DIRTY_MESSAGE);
}

/** The largest id of an `integer` column. */
export const MAX_INT_ID = 2_147_483_647;
/** A row id from a path or query: a positive integer that fits the column. */
export const id = z.coerce.number().int('must be a whole number').positive('must be a positive id').max(MAX_INT_ID, 'is not a valid id');
/** Ids of `bigint` columns, bounded where a JS number is still exact. */
export const bigId = z.coerce.number().int('must be a whole number').positive('must be a positive id').max(Number.MAX_SAFE_INTEGER, 'is not a valid id');
export const idParam = z.object({ id });
export const bigIdParam = z.object({ id: bigId });

/** The range any date in a request may fall in: PostgreSQL would refuse year 0, and nothing here predates 1970. */
export const EARLIEST_DATE = new Date(Date.UTC(1970, 0, 1));
export const LATEST_DATE = new Date(Date.UTC(3000, 0, 1) - 1);
const RANGE_MESSAGE = 'must be between 1970-01-01 and 2999-12-31';

const ISO = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-]\d{2}:?\d{2})?)?$/i;

/**
 * Parses an ISO 8601 date or date-time strictly: the calendar date must exist (no 31 February
 * rolling into March), hours 0-23, minutes and seconds 0-59; without an offset it is UTC.
 */
export function parseIsoDate(value: string): Date | null {
  const m = ISO.exec(value);
  if (!m) return null;
  const [year, month, day, hour, minute, second] = [1, 2, 3, 4, 5, 6].map((i) => Number(m[i] ?? 0));
  const millis = Number((m[7] ?? '0').slice(0, 3).padEnd(3, '0'));
  if (month < 1 || month > 12 || day < 1 || day > new Date(Date.UTC(year, month, 0)).getUTCDate()) return null;
  if (hour > 23 || minute > 59 || second > 59) return null;
  let offsetMinutes = 0;
  const zone = m[8];
  if (zone && zone.toUpperCase() !== 'Z') {
    const [, sign, hh, mm] = /^([+-])(\d{2}):?(\d{2})$/.exec(zone)!;
    if (Number(hh) > 23 || Number(mm) > 59) return null;
    offsetMinutes = (sign === '-' ? -1 : 1) * (Number(hh) * 60 + Number(mm));
  }
  const utc = new Date(0);
  utc.setUTCFullYear(year, month - 1, day);
  utc.setUTCHours(hour, minute, second, millis);
  return new Date(utc.getTime() - offsetMinutes * 60_000);
}

const inRange = (d: Date) => d.getTime() >= EARLIEST_DATE.getTime() && d.getTime() <= LATEST_DATE.getTime();

/** An ISO 8601 date or date-time (`from` / `to` filters, timestamps), as a Date within 1970..2999. */
export const dateTime = z
  .string()
  .max(40, 'must be an ISO 8601 date or date-time')
  .transform((v, ctx) => {
    const date = parseIsoDate(v.trim());
    if (!date) ctx.addIssue({ code: 'custom', message: 'must be an ISO 8601 date or date-time (a real calendar date)' });
    else if (!inRange(date)) ctx.addIssue({ code: 'custom', message: RANGE_MESSAGE });
    return date ?? z.NEVER;
  })
  .meta({ description: 'ISO 8601 date or date-time (UTC unless an offset is given), 1970..2999', example: '2026-11-24T00:00:00Z' });

/** A calendar day `YYYY-MM-DD` within 1970..2999, kept as its text. */
export const isoDay = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date YYYY-MM-DD')
  .superRefine((v, ctx) => {
    const date = parseIsoDate(v);
    if (!date) ctx.addIssue({ code: 'custom', message: 'must be a real date' });
    else if (!inRange(date)) ctx.addIssue({ code: 'custom', message: RANGE_MESSAGE });
  })
  .meta({ description: 'Calendar day YYYY-MM-DD', example: '2026-11-24' });

/** True when the ICU time-zone database (Intl, luxon, agenda's cron) knows `name`. */
export function isTimeZone(name: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

/** An IANA time-zone name such as Europe/Berlin or UTC (no bare offsets: PostgreSQL reads their sign the POSIX way). */
export const timeZone = z
  .string()
  .max(64, 'must be an IANA time zone like Europe/Berlin')
  .regex(/^[A-Za-z][A-Za-z0-9_+\-/]*$/, 'must be an IANA time zone like Europe/Berlin')
  .refine(isTimeZone, 'must be an IANA time zone like Europe/Berlin');
