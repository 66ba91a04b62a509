/** Times in the rule's time zone and human durations, the same in Node and in the browser. */
import { DEFAULT_TIMEZONE, isValidTimezone, type Language } from '../config';
import { STRINGS } from './i18n';

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timezone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timezone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone: timezone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      hourCycle: 'h23',
    });
    formatters.set(timezone, formatter);
  }
  return formatter;
}

/** The zone to render in: the rule's, or the default when it is not a zone this runtime knows. */
export function usableTimezone(timezone: string): string {
  return formatters.has(timezone) || isValidTimezone(timezone) ? timezone : DEFAULT_TIMEZONE;
}

/** Milliseconds since the epoch, or null for a missing or unparsable time. */
export function parseTime(iso: string | null): number | null {
  if (!iso) {
    return null;
  }
  // Go sends nanoseconds; not every JS engine parses more than three fraction digits.
  const ms = Date.parse(iso.replace(/(\.\d{3})\d+/, '$1'));
  // Go's zero time (0001-01-01) means "not set".
  return Number.isNaN(ms) || ms <= 0 ? null : ms;
}

/** The wall clock in the given zone: year, month, day, hour (00-23), minute, second, as digits. */
export function wallClock(ms: number, timezone: string): Record<string, string> {
  const part: Record<string, string> = {};
  for (const { type, value } of formatterFor(timezone).formatToParts(new Date(ms))) {
    part[type] = value;
  }
  return part;
}

/** "2026-01-02 15:04:05" in the given zone, or '' when there is no time. */
export function formatTime(ms: number | null, timezone: string): string {
  if (ms === null) {
    return '';
  }
  const part = wallClock(ms, timezone);
  return `${part.year}-${part.month}-${part.day} ${part.hour}:${part.minute}:${part.second}`;
}

/** The two largest units that matter: "1小时5分" / "1h5m", "2天3小时", "45秒" / "45s". */
export function formatDuration(seconds: number, language: Language): string {
  if (!Number.isFinite(seconds) || seconds < 0) {
    return '';
  }
  const units = STRINGS[language].durationUnits;
  const total = Math.floor(seconds);
  const amounts: Array<[number, string]> = [
    [Math.floor(total / 86400), units.d],
    [Math.floor((total % 86400) / 3600), units.h],
    [Math.floor((total % 3600) / 60), units.m],
    [total % 60, units.s],
  ];
  const first = amounts.findIndex(([amount]) => amount > 0);
  if (first === -1) {
    return `0${units.s}`;
  }
  return amounts
    .slice(first, first + 2)
    .filter(([amount]) => amount > 0)
    .map(([amount, unit]) => `${amount}${unit}`)
    .join('');
}
