/**
 * The fake's create actions and `GET /actions?id=`, as the API reference has them: progress that
 * grows with the fake's clock over the boot, `starting` for the boot's last fifth, several actions by
 * id in one answer, and a create action that fails.
 */
import { manualClock } from '@stagely/provider-core/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { startFakeHetzner, type FakeHetzner } from '../src/testing/index.js';
import { TOKEN } from './setup.js';

let fake: FakeHetzner | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

const clock = manualClock(Date.parse('2026-06-01T00:00:00Z'));

async function api(path: string, init: RequestInit = {}): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(`${fake!.endpoint}${path}`, {
    ...init,
    headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json', ...init.headers },
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

async function createServer(name: string): Promise<{ serverId: number; actionId: number }> {
  const { body } = await api('/servers', { method: 'POST', body: JSON.stringify({ name, server_type: 'cx23', location: 'fsn1', image: 'ubuntu-24.04' }) });
  return { serverId: (body.server as { id: number }).id, actionId: (body.action as { id: number }).id };
}

describe('the fake: create actions', () => {
  it('progress grows with the clock over the boot; the server is starting for its last fifth, then running', async () => {
    fake = await startFakeHetzner({ token: TOKEN, clock, bootDelayMs: 10_000 });
    const { serverId, actionId } = await createServer('progress-1');
    const look = async () => {
      const action = (await api(`/actions/${actionId}`)).body.action as { status: string; progress: number };
      const server = (await api(`/servers/${serverId}`)).body.server as { status: string };
      return [action.status, action.progress, server.status];
    };
    expect(await look()).toEqual(['running', 0, 'initializing']);
    clock.advance(5000);
    expect(await look()).toEqual(['running', 50, 'initializing']);
    clock.advance(3500);
    expect(await look()).toEqual(['running', 85, 'starting']);
    clock.advance(1500);
    expect(await look()).toEqual(['success', 100, 'running']);
  });

  it('GET /actions answers the actions named by repeated `id`s (unknown ones left out) and needs one', async () => {
    fake = await startFakeHetzner({ token: TOKEN, clock, bootDelayMs: 10_000 });
    const a = await createServer('many-1');
    const b = await createServer('many-2');
    const { status, body } = await api(`/actions?id=${b.actionId}&id=${a.actionId}&id=999`);
    expect(status).toBe(200);
    const actions = body.actions as Array<Record<string, unknown>>;
    expect(actions.map((action) => action.id)).toEqual([a.actionId, b.actionId]);
    expect(Object.keys(actions[0]!).sort()).toEqual(['command', 'error', 'finished', 'id', 'progress', 'resources', 'started', 'status']);
    expect(body.meta).toBeUndefined();
    const missing = await api('/actions');
    expect([missing.status, (missing.body.error as { code: string }).code]).toEqual([400, 'invalid_input']);
  });

  it('a failed create action stops at its progress with the error; its server stays off', async () => {
    fake = await startFakeHetzner({ token: TOKEN, clock, bootDelayMs: 10_000 });
    fake.failCreateActions({ atShare: 0.3, error: { code: 'placement_error', message: 'no host' } });
    const { serverId, actionId } = await createServer('failing-1');
    clock.advance(6000);
    const action = (await api(`/servers/${serverId}/actions/${actionId}`)).body.action as Record<string, unknown>;
    expect([action.status, action.progress, action.error]).toEqual(['error', 30, { code: 'placement_error', message: 'no host' }]);
    expect(((await api(`/servers/${serverId}`)).body.server as { status: string }).status).toBe('off');
    expect(fake.inspect(String(serverId))?.state).toBe('stopped');
  });
});
