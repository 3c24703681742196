/**
 * What the library told the soak: every error (typed or not, by code, and whether any of it names a
 * credential), and every id or marker it reported as still there: instances kept after a provision,
 * ones whose terminate failed, images whose delete failed, and what errors name in
 * `details.leftBehind` or in a provision's `details.cleanup` (an instance not terminated).
 */
import { isStagelyError, type StagelyError, type StagelyEvent } from '@stagely/provider-core';

export class SoakOutcome {
  readonly errorsByCode = new Map<string, number>();
  readonly untyped: unknown[] = [];
  /** Errors or events in which a credential showed up. */
  credentialLeaks = 0;
  /** Instances the library reported as existing: kept provisions, failed terminates, leftBehind, cleanup not done. */
  readonly reportedInstances = new Set<string>();
  readonly reportedImages = new Set<string>();
  /** Retries the providers made, and the times a rate-limit answer held their callers. */
  retries = 0;
  rateLimitHolds = 0;

  constructor(private readonly secrets: readonly string[]) {}

  /** Records a failed call; what it names as left behind is reported for `kind`. */
  error(error: unknown, kind: 'instance' | 'image'): void {
    if (!isStagelyError(error)) {
      this.untyped.push(error);
      this.#count('untyped');
      if (this.#leaks(String(error instanceof Error ? `${error.message} ${error.stack}` : error))) this.credentialLeaks += 1;
      return;
    }
    this.#count(error.code);
    if (this.#leaks(JSON.stringify({ message: error.message, details: error.details, json: error.toJSON(), stack: error.stack }))) this.credentialLeaks += 1;
    const reported = kind === 'instance' ? this.reportedInstances : this.reportedImages;
    for (const left of leftBehind(error)) reported.add(left);
    const cleanup = error.details.cleanup as { instanceId?: string; terminated?: boolean; cleanupError?: { code?: string } } | undefined;
    if (cleanup?.instanceId && cleanup.terminated === false) this.reportedInstances.add(cleanup.instanceId);
    // The cleanup's own failure is part of what the caller is told: it must be typed too.
    if (cleanup?.cleanupError?.code === 'UNEXPECTED') {
      this.untyped.push(cleanup.cleanupError);
      this.#count('untyped (cleanup)');
    }
  }

  /** Checks an event for credentials (events are what a CLI prints). */
  event(event: StagelyEvent): void {
    if (event.type === 'retry') this.retries += 1;
    if (event.type === 'rate-limit') this.rateLimitHolds += 1;
    if (this.#leaks(JSON.stringify(event))) this.credentialLeaks += 1;
  }

  #count(code: string): void {
    this.errorsByCode.set(code, (this.errorsByCode.get(code) ?? 0) + 1);
  }

  #leaks(text: string): boolean {
    return this.secrets.some((secret) => text.includes(secret));
  }
}

function leftBehind(error: StagelyError): string[] {
  const left = error.details.leftBehind;
  return Array.isArray(left) ? left.map(String) : [];
}

/**
 * Whether a reported string names a store record: it is one of the record's keys, or a marker that
 * contains one as a whole word (`server named soak-1-12`, `tag stagely-request=ab12`).
 */
export function isReported(reported: ReadonlySet<string>, keys: readonly string[]): boolean {
  if (keys.some((key) => reported.has(key))) return true;
  for (const entry of reported) {
    const words = new Set(entry.split(/[\s="']+/));
    if (keys.some((key) => words.has(key))) return true;
  }
  return false;
}
