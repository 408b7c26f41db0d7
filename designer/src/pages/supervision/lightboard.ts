// Pure helpers of the light board (红黄绿灯): light names as the API writes them, colours, and how late a case is.
import type { LightBoard } from '../../api/contracts';

/** The light filters and count cards, in the API's kebab-case (items' `light` and the `light=` filter). */
export type LightKey = 'green' | 'yellow' | 'red' | 'red-card' | 'suspended';
export const lightKeys: readonly LightKey[] = ['red-card', 'red', 'yellow', 'green', 'suspended'];

/** What the list shows: the late cases (red and red-card together, the default), one light, or the suspended (挂起) cases. */
export type LightFilter = 'late' | LightKey;

export const lightColours: Record<LightKey, string> = {
  green: '#2e7d32',
  yellow: '#f9a825',
  red: '#e53935',
  'red-card': '#8e0000',
  suspended: '#78909c',
};

/** "redCard" (the counts object) and "red-card" (items, filter) name the same light. */
export function lightKey(light: string): LightKey | null {
  const k = light === 'redCard' ? 'red-card' : light;
  return (lightKeys as readonly string[]).includes(k) ? (k as LightKey) : null;
}

export function countOf(counts: LightBoard['counts'] | undefined, key: LightKey): number {
  if (!counts) return 0;
  const c = counts as unknown as Record<string, number | undefined>;
  return (key === 'red-card' ? c.redCard ?? c['red-card'] : c[key]) ?? 0;
}

/** The `light=` values one list needs: the late list asks for red cards first, then reds (worst first, like the API). */
export function lightQueries(filter: LightFilter): LightKey[] {
  return filter === 'late' ? ['red-card', 'red'] : [filter];
}

/** Remaining working time, or how far past due when negative, in working hours rounded to one decimal; null without a due time. */
export function remaining(hours: number | null | undefined): { late: boolean; hours: number } | null {
  if (typeof hours !== 'number' || !Number.isFinite(hours)) return null;
  return { late: hours < 0, hours: Math.round(Math.abs(hours) * 10) / 10 };
}

/** The due moment in the office's wall clock (UTC+8): kept as written when sent with +08:00, converted otherwise. */
export function dueText(iso: string | null | undefined): string {
  if (!iso) return '—';
  const m = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2})(?::[\d.]+)?(Z|[+-]\d{2}:\d{2})?$/.exec(iso);
  if (!m) return iso;
  if (!m[3] || m[3] === '+08:00') return `${m[1]} ${m[2]}`;
  return new Date(Date.parse(iso) + 8 * 3600_000).toISOString().slice(0, 16).replace('T', ' ');
}
