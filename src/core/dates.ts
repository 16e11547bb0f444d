/**
 * Due dates of targets, computed once for gaps, gate and report: whole calendar days in UTC
 * between the day `now` falls on and the due day. A target due today has 0 days left and is not
 * late yet; it is late from the next day on (1 day past due).
 */

const DAY = 86_400_000;

/** Whole UTC days from `now`'s day to `due` (YYYY-MM-DD); negative once the due day is over. */
export function daysUntilDue(due: string, now: Date): number {
  const dueDay = Date.parse(`${due}T00:00:00Z`);
  const today = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  return Math.round((dueDay - today) / DAY);
}

/** True once the due day (UTC) has ended. */
export function isPastDue(due: string, now: Date): boolean {
  return daysUntilDue(due, now) < 0;
}

const days = (n: number) => `${n} ${n === 1 ? 'day' : 'days'}`;

/** "12 days left", "due today", "3 days past due". */
export function dueText(daysLeft: number): string {
  if (daysLeft > 0) return `${days(daysLeft)} left`;
  if (daysLeft === 0) return 'due today';
  return `${days(-daysLeft)} past due`;
}
