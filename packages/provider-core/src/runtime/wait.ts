/**
 * Readiness schedules (docs/architecture.md, "Provider mechanics"): when a wait looks again. The
 * waits themselves are in readiness/; every schedule is measured in bench/ (readiness-sim).
 */
import type { Instance } from '../contract/contract.js';
import { InvalidInputError } from '../contract/errors.js';

/** What a status call told beyond the instance itself (a provider's probe gives it). */
export interface ReadinessHint {
  /** How far the cloud says the boot is, 0 to 1 (Hetzner's create action progress). */
  progress?: number;
  /** The cloud says readiness is moments away (Hetzner `starting`; running, address not yet shown). */
  nearlyReady?: boolean;
}

/**
 * How long to wait before the next status call, given how many were made, how long the wait has
 * run (from the create, when the provider reported it), and what the last call saw (`undefined`
 * before the first call or after a failed one) and hinted.
 */
export type PollSchedule = (callsMade: number, elapsedMs: number, last?: Instance | null, hint?: ReadinessHint) => number;

export interface PollScheduleOptions {
  /** The first look. Not at once: an instance the cloud has just accepted is never ready yet. */
  firstMs: number;
  /** The interval after the first look... */
  intervalMs: number;
  /** ...each next one this many times longer (1: steady)... */
  growth: number;
  /** ...and at least this fraction of the time waited so far, so a long wait asks less often... */
  relativeInterval: number;
  /** ...up to this: never later than this after readiness. */
  maxIntervalMs: number;
  /** Once the instance runs but has no public IP yet, readiness is close: look again this soon. */
  nearlyReadyMs: number;
}

/**
 * The schedule with no history, measured against fixed 5 s polling in bench/ (readiness-sim): the
 * call fixed polling makes at once is skipped, which pays for a first look at 2 s and a slightly
 * faster pace after it (4.5 s, growing 3% a look to 5 s), so that its n-th look is never before
 * fixed polling's n-th: never more calls, and never more than 5 s late.
 */
export const DEFAULT_POLL_SCHEDULE_OPTIONS: PollScheduleOptions = {
  firstMs: 2000,
  intervalMs: 4500,
  growth: 1.03,
  relativeInterval: 0.1,
  maxIntervalMs: 5000,
  nearlyReadyMs: 1000,
};

/** Core's schedule without history: a first look, then a steady pace (see the defaults). */
export function backoffSchedule(options: Partial<PollScheduleOptions> = {}): PollSchedule {
  const o = { ...DEFAULT_POLL_SCHEDULE_OPTIONS, ...options };
  for (const [field, min] of [
    ['firstMs', 0],
    ['intervalMs', 0],
    ['growth', 1],
    ['relativeInterval', 0],
    ['maxIntervalMs', 0],
    ['nearlyReadyMs', 0],
  ] as const) {
    if (!(o[field] >= min)) {
      throw new InvalidInputError(`schedule.${field}`, `Invalid poll schedule: ${field} must be a number >= ${min}, got ${String(o[field])}`);
    }
  }
  return (callsMade, elapsedMs, last) => {
    const next =
      callsMade === 0
        ? o.firstMs
        : Math.min(o.maxIntervalMs, Math.max(o.intervalMs * o.growth ** (callsMade - 1), o.relativeInterval * elapsedMs));
    const nearlyReady = last?.state === 'running' && last.publicIp === null;
    return nearlyReady ? Math.min(next, o.nearlyReadyMs) : next;
  };
}

/** Polls every `intervalMs`, starting at once: the seeds' schedule, kept for comparison. */
export function fixedSchedule(intervalMs: number): PollSchedule {
  return (callsMade) => (callsMade === 0 ? 0 : intervalMs);
}

/** Once the estimated end has passed, look every this share of the time waited (at least nearlyReadyMs). */
const PASSED_ESTIMATE_SHARE = 0.1;

/**
 * What the API hinted moves the next look: a progress figure to when it says the boot ends (it is
 * the cloud's own estimate, linear in time), a "nearly ready" to `nearlyReadyMs`; never past
 * `maxIntervalMs`.
 */
export function withHints(schedule: PollSchedule, options: Partial<Pick<PollScheduleOptions, 'maxIntervalMs' | 'nearlyReadyMs'>> = {}): PollSchedule {
  const maxGap = options.maxIntervalMs ?? DEFAULT_POLL_SCHEDULE_OPTIONS.maxIntervalMs;
  const nearlyMs = options.nearlyReadyMs ?? DEFAULT_POLL_SCHEDULE_OPTIONS.nearlyReadyMs;
  return (calls, elapsedMs, last, hint) => {
    let next = schedule(calls, elapsedMs, last, hint);
    const progress = hint?.progress;
    if (progress !== undefined && progress > 0 && progress < 1 && elapsedMs > 0) {
      const remaining = elapsedMs / progress - elapsedMs;
      // Looks spread evenly up to the estimated end, so that one lands on it (no look more than the
      // schedule would make); an estimate that has passed means moments away, unless the boot is long.
      next =
        remaining > nearlyMs
          ? remaining / Math.ceil(remaining / maxGap)
          : Math.min(maxGap, Math.max(nearlyMs, PASSED_ESTIMATE_SHARE * elapsedMs));
    }
    if (hint?.nearlyReady) next = Math.min(next, nearlyMs);
    return next;
  };
}
