// Formatting for people: sizes, digests, dates, and the commands users copy.

// Up to EiB: sizes a registry states (and their sums, saturated at 2^64 - 1) all have a unit.
const UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB', 'EiB'];

export function humanSize(bytes: number | null | undefined): string {
  if (bytes === null || bytes === undefined) return '';
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${bytes} B` : `${value.toFixed(1)} ${UNITS[unit]}`;
}

/** An image's size, or an index's from its smallest to its largest platform image. */
export function sizeSpan(size: number | null, sizeMax: number | null): string {
  if (size === null) return '';
  return sizeMax !== null && sizeMax !== size ? `${humanSize(size)}–${humanSize(sizeMax)}` : humanSize(size);
}

const COUNT_UNITS = ['', 'K', 'M', 'B', 'T'];

/** A count as people read it at a glance: `950`, `1.2K`, `34K`, `1.2M` (one decimal
 * below 10, rounded, never `1000K`); '' for none. */
export function humanCount(n: number | null | undefined): string {
  if (n === null || n === undefined || !Number.isFinite(n) || n < 0) return '';
  let unit = 0;
  let value = n;
  while (value >= 1000 && unit < COUNT_UNITS.length - 1) {
    value /= 1000;
    unit++;
  }
  let shown = value < 10 && unit > 0 ? Math.round(value * 10) / 10 : Math.round(value);
  if (shown >= 1000 && unit < COUNT_UNITS.length - 1) {
    shown = 1;
    unit++;
  }
  return `${shown}${COUNT_UNITS[unit]}`;
}

/** A transfer speed, `12.3 MiB/s`. */
export function humanRate(bytesPerSecond: number): string {
  return bytesPerSecond > 0 ? `${humanSize(bytesPerSecond)}/s` : '';
}

/** A duration: `2.5 s`, `45 s`, `3 min 20 s`, `1 h 5 min`. */
export function humanDuration(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined) return '';
  if (seconds < 10) return `${seconds.toFixed(1)} s`;
  if (seconds < 60) return `${Math.round(seconds)} s`;
  const m = Math.floor(seconds / 60);
  if (m < 60) return `${m} min ${Math.round(seconds % 60)} s`;
  return `${Math.floor(m / 60)} h ${m % 60} min`;
}

export function shortDigest(digest: string): string {
  const [alg, hex] = digest.split(':');
  return hex ? `${alg}:${hex.slice(0, 12)}` : digest;
}

const UNITS_OF_TIME: [Intl.RelativeTimeFormatUnit, number][] = [
  ['year', 365 * 24 * 3600],
  ['month', 30 * 24 * 3600],
  ['week', 7 * 24 * 3600],
  ['day', 24 * 3600],
  ['hour', 3600],
  ['minute', 60],
];

/** A date as the whole window shows it: `3 days ago`, `in 2 hours`, `just now`; '' for no
 * date. The exact local time goes beside it on hover ([`localTime`]). */
export function relativeTime(iso: string | null | undefined, now: number = Date.now(), locale?: string): string {
  if (!iso) return '';
  const at = Date.parse(iso);
  if (Number.isNaN(at)) return '';
  const seconds = (at - now) / 1000;
  const format = new Intl.RelativeTimeFormat(locale, { numeric: 'auto' });
  for (const [unit, size] of UNITS_OF_TIME) {
    if (Math.abs(seconds) >= size) return format.format(Math.round(seconds / size), unit);
  }
  return 'just now';
}

/** The local date and time with its zone, for a tooltip: `2026-12-05 07:30 (UTC+01:00, your time)`. */
export function localTime(iso: string | null | undefined): string {
  if (!iso) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '';
  const pad = (n: number) => String(n).padStart(2, '0');
  const offset = -d.getTimezoneOffset();
  const zone = `UTC${offset >= 0 ? '+' : '-'}${pad(Math.floor(Math.abs(offset) / 60))}:${pad(Math.abs(offset) % 60)}`;
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())} (${zone}, your time)`;
}

/** Unix seconds (as engines state them) as ISO text, for the two above; '' for none. */
export function fromUnixSeconds(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds) || seconds <= 0) return '';
  const d = new Date(seconds * 1000);
  return Number.isNaN(d.getTime()) ? '' : d.toISOString();
}

/** `1 file`, `3 files`: a count with its noun, plural when it is not one. */
export function plural(n: number, one: string, many: string = `${one}s`): string {
  return `${n.toLocaleString()} ${n === 1 ? one : many}`;
}

const DIGEST = /sha256:[0-9a-f]{64}/g;

/** Split text into plain parts and digests, so digests can become buttons (never HTML). */
export function splitDigests(text: string): { text: string; digest: boolean }[] {
  const out: { text: string; digest: boolean }[] = [];
  let last = 0;
  for (const m of text.matchAll(DIGEST)) {
    const at = m.index ?? 0;
    if (at > last) out.push({ text: text.slice(last, at), digest: false });
    out.push({ text: m[0], digest: true });
    last = at + m[0].length;
  }
  if (last < text.length) out.push({ text: text.slice(last), digest: false });
  return out;
}

/** Pretty-print JSON text; returns the input when it is not JSON. */
export function prettyJson(text: string): string {
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return text;
  }
}

/** Copy text to the clipboard (the async API, with the old fallback for older webviews). */
export async function copyText(text: string): Promise<void> {
  try {
    await navigator.clipboard.writeText(text);
    return;
  } catch {
    const area = document.createElement('textarea');
    area.value = text;
    document.body.appendChild(area);
    area.select();
    document.execCommand('copy');
    area.remove();
  }
}
