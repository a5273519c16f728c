// Small display helpers shared by the screens.

export function formatUptime(totalSeconds: number): string {
  const s = Math.max(0, Math.floor(totalSeconds));
  const days = Math.floor(s / 86_400);
  const hours = Math.floor((s % 86_400) / 3_600);
  const minutes = Math.floor((s % 3_600) / 60);
  if (days > 0) return `${days}d ${hours}h`;
  if (hours > 0) return `${hours}h ${minutes}m`;
  if (minutes > 0) return `${minutes}m ${s % 60}s`;
  return `${s}s`;
}

export function formatCount(n: number): string {
  return new Intl.NumberFormat('en').format(n);
}

/** `2026-05-26T12:34:56.123000+00:00` → `2026-05-26 12:34:56 UTC` (the stored text when it is not UTC ISO). */
export function formatTimestamp(iso: string): string {
  const m = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2}:\d{2})(?:\.\d+)?(?:Z|\+00:00)$/i.exec(iso);
  return m ? `${m[1]} ${m[2]} UTC` : iso;
}
