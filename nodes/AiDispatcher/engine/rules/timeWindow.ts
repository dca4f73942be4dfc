/** Local time in an IANA zone with `Intl.DateTimeFormat` (no date library), and window checks. */
import { WEEKDAYS, type TimeWindow, type Weekday } from './types';

export interface LocalTime {
	weekday: Weekday;
	/** Minutes since local midnight, 0..1439. */
	minutes: number;
	/** "ddd HH:MM" in the zone, for traces. */
	label: string;
}

/** A formatter for `timeZone` (throws RangeError for an unknown zone). Callers memoize per item (see evaluate.ts). */
function formatter(timeZone: string): Intl.DateTimeFormat {
	return new Intl.DateTimeFormat('en-US', {
		timeZone,
		weekday: 'short',
		hour: '2-digit',
		minute: '2-digit',
		hourCycle: 'h23',
	});
}

/** True when `timeZone` is a time zone this runtime knows (IANA names, "UTC", "Etc/GMT+2"). Never throws. */
export function isValidTimeZone(timeZone: string): boolean {
	if (timeZone.length === 0 || timeZone.length > 64) return false;
	try {
		formatter(timeZone);
		return true;
	} catch {
		return false;
	}
}

export function localTime(nowMs: number, timeZone: string): LocalTime {
	const parts = formatter(timeZone).formatToParts(new Date(nowMs));
	const get = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
	const weekday = get('weekday').toLowerCase().slice(0, 3) as Weekday;
	const hour = Number(get('hour')) % 24;
	const minute = Number(get('minute'));
	const hh = String(hour).padStart(2, '0');
	const mm = String(minute).padStart(2, '0');
	return { weekday, minutes: hour * 60 + minute, label: `${weekday} ${hh}:${mm} ${timeZone}` };
}

/** "HH:MM" → minutes since midnight, or null. "24:00" is allowed as an end. */
export function parseClock(text: string): number | null {
	const match = /^([01]?\d|2[0-4]):([0-5]\d)$/.exec(text);
	if (!match) return null;
	const minutes = Number(match[1]) * 60 + Number(match[2]);
	return minutes <= 24 * 60 ? minutes : null;
}

/** Whether `local` falls in `window`. A window whose end is before its start spans midnight. */
export function inWindow(local: LocalTime, window: TimeWindow): boolean {
	const from = parseClock(window.from ?? '00:00') ?? 0;
	const to = parseClock(window.to ?? '24:00') ?? 24 * 60;
	const days = window.days && window.days.length > 0 ? window.days : WEEKDAYS;
	if (from <= to)
		return days.includes(local.weekday) && local.minutes >= from && local.minutes < to;
	// Overnight: the part after midnight belongs to the previous day's window.
	if (local.minutes >= from) return days.includes(local.weekday);
	const previous = WEEKDAYS[(WEEKDAYS.indexOf(local.weekday) + 6) % 7];
	return local.minutes < to && days.includes(previous);
}
