/**
 * What a readiness look asks DigitalOcean (core's waiter decides when to look; docs/architecture.md,
 * "Provider mechanics"):
 *
 * - One Droplet: `GET /v2/droplets/{id}`, as getInstance. Active with a public IPv4 is ready; active
 *   without one yet is `nearlyReady`. DigitalOcean gives no progress figure for a boot.
 * - Many: `GET /v2/droplets?tag_name=<managed tag>` (200 a page), the Droplets Stagely manages in one
 *   call for a fleet of up to 200, mapped by id.
 * - The create action (`links.actions` of the create's 202) is the only word that a Droplet will
 *   never boot (`errored`). Looking at it costs a call, so it is looked at only while the Droplet is
 *   still `new`, and only every CREATE_ACTION_LOOK_EVERY-th look: one look then asks for the action
 *   instead of the Droplet (`GET /v2/actions/{id}`), so a wait makes no more calls than before; a
 *   batched round adds one `GET /v2/actions` page (the account's newest actions) for all of them.
 */
import { ApiError, isReady, type Instance, type Op, type ProbeAnswer, type ReadinessObservation, type ReadinessSource } from '@stagely/provider-core/provider';
import { PER_PAGE } from './sdk/adapter.js';
import type { ActionData } from './sdk/schemas.js';

/** While a Droplet is still `new`, every this many looks one asks for its create action. */
export const CREATE_ACTION_LOOK_EVERY = 6;
/** Creates whose action is remembered (a fleet's worth, and more); the oldest is forgotten first. */
const TRACKED_CREATES_LIMIT = 10_000;

/** The calls a look is made of (the provider's, with its retries and bookkeeping). */
export interface DropletLooks {
  provider: string;
  /** One Droplet by id (getInstance); null when it answers 404. */
  droplet(id: string, op: Op): Promise<Instance | null>;
  /** Every Droplet with the managed tag, all pages; terminating and terminated ones included. */
  managed(op: Op): Promise<Instance[]>;
  /** `GET /v2/actions/{id}`. */
  action(id: number, op: Op): Promise<ActionData>;
  /** `GET /v2/actions`, first page: the account's newest actions. */
  recentActions(op: Op): Promise<readonly ActionData[]>;
  /** True while a Droplet missing from the list may just not be listed yet (created here, never seen). */
  maybeNotListedYet(id: string): boolean;
}

interface TrackedCreate {
  actionId: number;
  /** The Droplet as last seen; undefined before the first look found it. */
  last: Instance | undefined;
  /** Looks since it was first seen `new` (the first one counts 1). */
  newLooks: number;
}

export class DropletReadiness implements ReadinessSource {
  readonly #looks: DropletLooks;
  readonly #creates = new Map<string, TrackedCreate>();
  #batchRounds = 0;
  /** A round is a paged listing of the managed Droplets. */
  readonly probeManyIdsPerCall = PER_PAGE;

  constructor(looks: DropletLooks) {
    this.#looks = looks;
  }

  /** DigitalOcean accepted the Droplet `id`; `actionId` is its create action. */
  created(id: string, actionId: number | undefined): void {
    if (actionId === undefined) return;
    if (this.#creates.size >= TRACKED_CREATES_LIMIT) this.#creates.delete(this.#creates.keys().next().value!);
    this.#creates.set(id, { actionId, last: undefined, newLooks: 0 });
  }

  forget(id: string): void {
    this.#creates.delete(id);
  }

  async probe(id: string, op: Op): Promise<ProbeAnswer> {
    const create = this.#creates.get(id);
    if (create?.last && create.last.providerState === 'new' && create.newLooks % CREATE_ACTION_LOOK_EVERY === 0) {
      // This look asks for the action instead of the Droplet: the Droplet is as last seen.
      create.newLooks++;
      return this.#withAction(id, create, await this.#looks.action(create.actionId, op), { instance: create.last });
    }
    return this.#observe(id, await this.#looks.droplet(id, op));
  }

  async probeMany(ids: readonly string[], op: Op): Promise<ReadonlyMap<string, ProbeAnswer>> {
    const listed = new Map((await this.#looks.managed(op)).map((instance) => [instance.id, instance]));
    // Not listed: one this provider just created is not listed yet; any other is asked for by id
    // (a Droplet without the managed tag), so a batched wait finds what a single one would.
    const unlisted = ids.filter((id) => !listed.has(id) && !this.#looks.maybeNotListedYet(id));
    for (const [i, instance] of (await Promise.all(unlisted.map((id) => this.#looks.droplet(id, op)))).entries()) {
      if (instance) listed.set(unlisted[i]!, instance);
    }
    const answers = new Map<string, ReadinessObservation>();
    for (const id of ids) {
      const instance = listed.get(id);
      // Left out: not found (the waiter allows for a Droplet not visible yet).
      if (instance) answers.set(id, this.#observe(id, instance));
    }
    this.#batchRounds++;
    const booting = [...answers.keys()].filter((id) => this.#creates.get(id)?.last?.providerState === 'new');
    if (booting.length > 0 && this.#batchRounds % CREATE_ACTION_LOOK_EVERY === 0) {
      const actions = new Map((await this.#looks.recentActions(op)).map((action) => [action.id, action]));
      for (const id of booting) {
        const create = this.#creates.get(id)!;
        const action = actions.get(create.actionId);
        // An action older than the page is not known this round: the wait goes on as before.
        if (action) answers.set(id, this.#withAction(id, create, action, answers.get(id)!));
      }
    }
    return answers;
  }

  /** The look at a Droplet: its state, and the hint that an active one without an address is moments away. */
  #observe(id: string, instance: Instance | null): ReadinessObservation {
    const create = this.#creates.get(id);
    if (create) {
      if (instance === null || instance.providerState !== 'new' || isReady(instance)) {
        if (instance === null && create.last === undefined) return { instance };
        // Booted, gone or past its create: the action has nothing more to say.
        this.#creates.delete(id);
      } else {
        create.last = instance;
        create.newLooks++;
      }
    }
    const nearlyReady = instance?.state === 'running' && instance.publicIp === null;
    return nearlyReady ? { instance, hint: { nearlyReady: true } } : { instance };
  }

  /** What the create action adds to a look: `errored` ends the wait; `completed` means the Droplet is active by now. */
  #withAction(id: string, create: TrackedCreate, action: ActionData, observation: ReadinessObservation): ReadinessObservation {
    if (action.status === 'in-progress') return observation;
    this.#creates.delete(id);
    if (action.status === 'completed') return { ...observation, hint: { nearlyReady: true } };
    const region = create.last?.region;
    return {
      ...observation,
      failure: new ApiError(
        `DigitalOcean's create action ${action.id} for Droplet ${id} errored: the Droplet will never be ready. Delete it and create another${region ? ` (or try another region than ${region})` : ''}`,
        undefined,
        { provider: this.#looks.provider, details: { instanceId: id, actionId: action.id, actionType: action.type, actionStatus: action.status, ...(region ? { region } : {}) } },
      ),
    };
  }
}
