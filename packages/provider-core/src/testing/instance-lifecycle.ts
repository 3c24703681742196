/**
 * An instance's life in a fake cloud, derived from time alone: pending until `bootDelayMs` after
 * create (or start), then running; a public IP `ipDelayMs` after that; stop and terminate take
 * their own delays. Deriving state from the clock (never from timers) keeps fakes deterministic
 * under a manual clock. Each fake maps the phases to its API's own words with `words`.
 */
import { systemClock, type Clock } from './clock.js';

export type LifecyclePhase = 'pending' | 'running' | 'stopping' | 'stopped' | 'terminating' | 'terminated';

/** An API's word for each phase, e.g. Hetzner `{ pending: 'initializing', running: 'running', ... }`. */
export type PhaseWords = Record<LifecyclePhase, string>;

export interface LifecycleTimings {
  /** From create (or start) to running. */
  bootDelayMs: number;
  /** From running to a public IP; default 0. */
  ipDelayMs?: number;
  /** From stop to stopped; default 0. */
  stopDelayMs?: number;
  /** From terminate to terminated; default 0. */
  terminateDelayMs?: number;
}

export interface LifecycleOptions extends LifecycleTimings {
  clock?: Clock;
  /** When it was created; default now. */
  createdAt?: number;
  /**
   * When terminate was asked for, for a lifecycle rebuilt from stored timestamps (a fake that keeps
   * its instances in a file, say); default: not yet.
   */
  terminateRequestedAt?: number | undefined;
}

export class InstanceLifecycle {
  readonly createdAt: number;
  readonly #clock: Clock;
  readonly #timings: Required<LifecycleTimings>;
  #bootStartedAt: number;
  #stopRequestedAt: number | undefined;
  #terminateRequestedAt: number | undefined;

  constructor(options: LifecycleOptions) {
    for (const key of ['bootDelayMs', 'ipDelayMs', 'stopDelayMs', 'terminateDelayMs'] as const) {
      const value = options[key];
      if (value !== undefined && !(value >= 0)) throw new RangeError(`InstanceLifecycle: ${key} must be >= 0, got ${value}`);
    }
    this.#clock = options.clock ?? systemClock;
    this.#timings = {
      bootDelayMs: options.bootDelayMs,
      ipDelayMs: options.ipDelayMs ?? 0,
      stopDelayMs: options.stopDelayMs ?? 0,
      terminateDelayMs: options.terminateDelayMs ?? 0,
    };
    this.createdAt = options.createdAt ?? this.#clock.now();
    this.#bootStartedAt = this.createdAt;
    this.#terminateRequestedAt = options.terminateRequestedAt;
  }

  get phase(): LifecyclePhase {
    const now = this.#clock.now();
    const t = this.#timings;
    if (this.#terminateRequestedAt !== undefined) {
      return now - this.#terminateRequestedAt >= t.terminateDelayMs ? 'terminated' : 'terminating';
    }
    if (this.#stopRequestedAt !== undefined) {
      return now - this.#stopRequestedAt >= t.stopDelayMs ? 'stopped' : 'stopping';
    }
    return now - this.#bootStartedAt >= t.bootDelayMs ? 'running' : 'pending';
  }

  /** True once it has run for `ipDelayMs`; false again when it stops or terminates. */
  get hasPublicIp(): boolean {
    return this.phase === 'running' && this.#clock.now() - this.#bootStartedAt >= this.#timings.bootDelayMs + this.#timings.ipDelayMs;
  }

  /** When it became (or will become) running, on the clock's scale. */
  get readyAt(): number {
    return this.#bootStartedAt + this.#timings.bootDelayMs + this.#timings.ipDelayMs;
  }

  /** The API's word for the current phase. */
  word(words: PhaseWords): string {
    return words[this.phase];
  }

  /** Idempotent; a terminated instance stays terminated. */
  terminate(): void {
    this.#terminateRequestedAt ??= this.#clock.now();
  }

  stop(): void {
    if (this.#terminateRequestedAt !== undefined || this.#stopRequestedAt !== undefined) return;
    this.#stopRequestedAt = this.#clock.now();
  }

  /** Boots a stopped (or stopping) instance again, with the same boot delay. */
  start(): void {
    if (this.#terminateRequestedAt !== undefined || this.#stopRequestedAt === undefined) return;
    this.#stopRequestedAt = undefined;
    this.#bootStartedAt = this.#clock.now();
  }
}
