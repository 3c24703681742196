/**
 * What a wait for a Hetzner server asks the API (docs/architecture.md, "Provider mechanics"): core's
 * readiness waiter decides when to look; this source decides what each look reads.
 *
 * - One wait: while the server's create action runs, a look reads the action (`GET /actions/{id}`):
 *   its `progress` tells the waiter when the boot ends, its `error` ends the wait at once. Once the
 *   action succeeded, or its progress says the boot is over, a look reads the server: `starting` is
 *   nearly ready, `running` with its IPv4 is ready. Until a server read has seen the new server once,
 *   looks read the server (it may be invisible for a moment: the waiter's grace covers that, and it
 *   must not take an action for proof the server is there). One HTTP call per look, as getInstance.
 * - Many waits: one `GET /servers` listing for all of them, paged 50 a page. Hetzner's other way, `GET
 *   /actions?id=..` for the actions still running, pages at the same size and tells no address, so the
 *   servers would have to be read after it anyway: for a fleet of 200 that is 4 pages of actions plus
 *   the listing, against 4 pages of listing alone. The listing is narrowed by `label_selector` to the
 *   labels every waited server was created with (managed-by=stagely at least), so servers that are not
 *   waited for cost no pages. Only servers the listing shows off or lost while their create action
 *   runs have their actions read (one call for up to 25): that is how a failed create shows there.
 */
import {
  isReady,
  isStagelyError,
  MANAGED_BY_TAG,
  MANAGED_BY_VALUE,
  type Instance,
  type Op,
  type ProbeAnswer,
  type ReadinessObservation,
  type ReadinessSource,
  type Redactor,
  type Scheduler,
} from '@stagely/provider-core/provider';
import { actionFailure } from './errors.js';
import { toInstance } from './instance.js';
import { managedSelector } from './labels.js';
import { ACTIONS_PER_CALL, PER_PAGE } from './sdk/adapter.js';
import type { ActionData, ServerData } from './sdk/schemas.js';

/** The calls a look makes, each with the provider's retries. */
export interface ReadinessApi {
  getServer(id: number, signal: AbortSignal | undefined): Promise<ServerData | null>;
  getAction(id: number, signal: AbortSignal | undefined): Promise<ActionData>;
  getActions(ids: readonly number[], signal: AbortSignal | undefined): Promise<ActionData[]>;
  /** Every page of `GET /servers?label_selector=...`. */
  listServers(labelSelector: string, signal: AbortSignal | undefined): Promise<ServerData[]>;
}

/** What this process knows of a server it created, until its wait ends. */
interface Booting {
  /** The create action while it may still run; undefined once it ended (or cannot be read). */
  actionId: number | undefined;
  labels: Readonly<Record<string, string>>;
  /** The server as the create answered, or as a look last saw it. */
  instance: Instance;
  createdAt: number;
  /** A server read has seen it. */
  confirmed: boolean;
  /** When the action's last progress figure says the boot ends. */
  endsAt: number | undefined;
}

/** Servers created and not yet waited for that are remembered: a fleet's worth, and more. */
const TRACKED_LIMIT = 10_000;
/** A look this close to the boot's estimated end reads the server, not the action. */
const END_SLACK_MS = 100;

export class HetznerReadiness implements ReadinessSource {
  readonly #booting = new Map<string, Booting>();
  readonly #api: ReadinessApi;
  readonly #clock: Scheduler;
  readonly #provider: string;
  readonly #redact: Redactor;
  /** A round is a paged listing of the labelled servers. */
  readonly probeManyIdsPerCall = PER_PAGE;

  constructor(options: { api: ReadinessApi; clock: Scheduler; provider: string; redact: Redactor }) {
    this.#api = options.api;
    this.#clock = options.clock;
    this.#provider = options.provider;
    this.#redact = options.redact;
  }

  /** The create was accepted: `action` is the one POST /servers answered with (null: none readable). */
  created(instance: Instance, labels: Record<string, string>, action: ActionData | null): void {
    if (this.#booting.size >= TRACKED_LIMIT) this.#booting.delete(this.#booting.keys().next().value!);
    this.#booting.set(instance.id, {
      actionId: action && action.status !== 'success' ? action.id : undefined,
      labels: { ...labels },
      instance,
      createdAt: this.#clock.now(),
      confirmed: false,
      endsAt: undefined,
    });
  }

  /** The wait for `id` ended. */
  forget(id: string): void {
    this.#booting.delete(id);
  }

  async probe(id: string, op: Op): Promise<ProbeAnswer> {
    const booting = this.#booting.get(id);
    if (booting?.actionId !== undefined && booting.confirmed && !this.#pastEstimatedEnd(booting)) {
      try {
        return this.#fromAction(id, booting, await this.#api.getAction(booting.actionId, op.signal));
      } catch (error) {
        if (!isStagelyError(error, 'NOT_FOUND')) throw error;
        // An action the API no longer knows: the server tells from now on.
        booting.actionId = undefined;
        return booting.instance;
      }
    }
    return this.#fromServer(id, await this.#api.getServer(Number(id), op.signal));
  }

  async probeMany(ids: readonly string[], op: Op): Promise<ReadonlyMap<string, ProbeAnswer>> {
    const answers = new Map<string, ProbeAnswer>();
    const wanted = new Set(ids);
    for (const server of await this.#api.listServers(this.#selectorFor(ids), op.signal)) {
      const id = String(server.id);
      if (wanted.has(id)) answers.set(id, this.#fromServer(id, server));
    }
    // A server this process did not create may lack the labels listed by: it is read on its own.
    const strangers = ids.filter((id) => !answers.has(id) && !this.#booting.has(id));
    await Promise.all(strangers.map(async (id) => answers.set(id, await this.probe(id, op))));
    await this.#readFailedCreates(ids, answers, op);
    return answers;
  }

  /** Servers shown off (or not shown) while their create action may run: the action says whether it failed. */
  async #readFailedCreates(ids: readonly string[], answers: Map<string, ProbeAnswer>, op: Op): Promise<void> {
    const suspects = new Map<number, string>();
    for (const id of ids) {
      const booting = this.#booting.get(id);
      if (booting?.actionId === undefined) continue;
      const instance = instanceIn(answers.get(id));
      if (!instance || instance.state === 'stopped') suspects.set(booting.actionId, id);
    }
    const actionIds = [...suspects.keys()];
    for (let start = 0; start < actionIds.length; start += ACTIONS_PER_CALL) {
      for (const action of await this.#api.getActions(actionIds.slice(start, start + ACTIONS_PER_CALL), op.signal)) {
        const id = suspects.get(action.id);
        const booting = id === undefined ? undefined : this.#booting.get(id);
        if (id === undefined || !booting || action.status !== 'error') continue;
        answers.set(id, this.#fromAction(id, booting, action));
      }
    }
  }

  /** Labels every waited server carries (a server this process did not create: managed-by only). */
  #selectorFor(ids: readonly string[]): string {
    let common: Record<string, string> | undefined;
    for (const id of ids) {
      const labels = this.#booting.get(id)?.labels ?? { [MANAGED_BY_TAG]: MANAGED_BY_VALUE };
      common = common === undefined ? { ...labels } : Object.fromEntries(Object.entries(common).filter(([key, value]) => labels[key] === value));
    }
    const { [MANAGED_BY_TAG]: _managed, ...tags } = common ?? {};
    return managedSelector(tags, 'tags', this.#provider);
  }

  #pastEstimatedEnd(booting: Booting): boolean {
    return booting.endsAt !== undefined && this.#clock.now() >= booting.endsAt - END_SLACK_MS;
  }

  #fromServer(id: string, server: ServerData | null): ProbeAnswer {
    if (!server) return null;
    const instance = toInstance(server, this.#provider);
    const booting = this.#booting.get(id);
    if (booting) {
      booting.confirmed = true;
      booting.instance = instance;
      // Still initializing after the estimated end: the action tells how far it really is.
      if (server.status === 'initializing') booting.endsAt = undefined;
    }
    if (isReady(instance)) this.forget(id);
    return server.status === 'starting' ? { instance, hint: { nearlyReady: true } } : instance;
  }

  #fromAction(id: string, booting: Booting, action: ActionData): ReadinessObservation {
    if (action.status === 'error') {
      this.forget(id);
      return {
        instance: booting.instance,
        failure: actionFailure(action, `Creating server ${id}`, { provider: this.#provider, redact: this.#redact, details: { instanceId: id } }),
      };
    }
    if (action.status === 'success') {
      booting.actionId = undefined;
      return { instance: booting.instance, hint: { nearlyReady: true } };
    }
    const progress = Math.min(1, Math.max(0, action.progress / 100));
    const elapsed = this.#clock.now() - booting.createdAt;
    if (progress > 0 && elapsed > 0) booting.endsAt = booting.createdAt + elapsed / progress;
    return { instance: booting.instance, hint: { progress } };
  }
}

/** The instance an answer holds (an observation's, or the answer itself). */
function instanceIn(answer: ProbeAnswer | undefined): Instance | null {
  if (!answer) return null;
  return 'id' in answer ? answer : answer.instance;
}
