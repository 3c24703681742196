/**
 * A partial failure of `apply`: what was created, deleted and skipped, and what failed with which
 * error. Everything is also in `details`, so `toJSON()` carries the whole account.
 */
import { StagelyError } from '../contract/errors.js';
import type { AppliedInstance, ApplyFailure, PlanConflict } from './types.js';

/** Failures named in the message; all of them are in `failed`. */
const MAX_LISTED = 5;

export interface ApplyErrorReport {
  environment: string;
  created: AppliedInstance[];
  deleted: AppliedInstance[];
  skipped: AppliedInstance[];
  failed: ApplyFailure[];
  conflicts: PlanConflict[];
  /** The caller's signal stopped the apply; hosts not started are in `failed` with code ABORTED. */
  aborted: boolean;
}

export class ApplyError extends StagelyError {
  static override readonly code = 'APPLY_FAILED' as const;
  readonly environment: string;
  readonly created: AppliedInstance[];
  readonly deleted: AppliedInstance[];
  readonly skipped: AppliedInstance[];
  readonly failed: ApplyFailure[];
  readonly conflicts: PlanConflict[];
  readonly aborted: boolean;

  constructor(report: ApplyErrorReport, options: { provider?: string; cause?: unknown } = {}) {
    const shown = report.failed.slice(0, MAX_LISTED).map((f) => `${f.name} (${f.action}: ${f.code})`);
    if (report.failed.length > MAX_LISTED) shown.push(`${report.failed.length - MAX_LISTED} more`);
    const failures = shown.join(', ');
    super(
      'APPLY_FAILED',
      `Apply of environment "${report.environment}" ${report.aborted ? 'was aborted' : 'failed'}: ` +
        `${report.failed.length} failed [${failures}], ${report.created.length} created, ${report.deleted.length} deleted`,
      { ...options, retryable: false, details: { ...report } },
    );
    this.environment = report.environment;
    this.created = report.created;
    this.deleted = report.deleted;
    this.skipped = report.skipped;
    this.failed = report.failed;
    this.conflicts = report.conflicts;
    this.aborted = report.aborted;
  }
}
