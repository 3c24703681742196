import { describe, expect, it } from 'vitest';
import { fastProvider, rejection } from './helpers.js';

describe('config.offer simulates a cloud without a capability', () => {
  it('reflects the offer in provider.capabilities', () => {
    expect(fastProvider().provider.capabilities).toEqual({ architectures: ['amd64', 'arm64'], spot: true, snapshots: true, sshKeys: true });
    const none = fastProvider({ offer: { arm64: false, spot: false, snapshots: false, sshKeys: false } }).provider;
    expect(none.capabilities).toEqual({ architectures: ['amd64'], spot: false, snapshots: false, sshKeys: false });
  });

  it('arm64 not offered: provisions amd64 and says so in warnings and a warning event', async () => {
    const { provider, events } = fastProvider({ offer: { arm64: false } });
    const instance = await provider.createInstance({ size: 'medium', architecture: 'arm64' });
    expect(instance).toMatchObject({ architecture: 'amd64', type: 'm1.medium' });
    expect(instance.warnings).toEqual(['arm64 not offered by mock; provisioned amd64']);
    expect((await provider.getInstance(instance.id))?.warnings).toEqual(instance.warnings);
    expect(events).toContainEqual({ type: 'warning', provider: 'mock', message: instance.warnings[0], instanceId: instance.id });
  });

  it('spot not offered: provisions on-demand with a warning', async () => {
    const { provider, events } = fastProvider({ offer: { spot: false } });
    const instance = await provider.createInstance({ size: 'small', spot: true });
    expect(instance.spot).toBe(false);
    expect(instance.warnings).toEqual(['spot not offered by mock; provisioned on-demand']);
    expect(events.filter((e) => e.type === 'warning')).toHaveLength(1);
  });

  it('strict turns those warnings into NotSupportedError naming the feature, creating nothing', async () => {
    const { provider } = fastProvider({ strict: true, offer: { arm64: false, spot: false } });
    const arm = await rejection(provider.createInstance({ size: 'small', architecture: 'arm64' }), 'NOT_SUPPORTED');
    expect(arm.details.feature).toBe('arm64');
    const spot = await rejection(provider.createInstance({ size: 'small', spot: true }), 'NOT_SUPPORTED');
    expect(spot.details.feature).toBe('spot');
    expect(await provider.listInstances()).toEqual([]);
    expect((await provider.createInstance({ size: 'small' })).warnings).toEqual([]);
  });

  it('snapshots not offered: every snapshot call and snapshot image is NotSupportedError', async () => {
    const { provider } = fastProvider({ offer: { snapshots: false } });
    const { id } = await provider.createInstance({ size: 'small' });
    for (const call of [
      provider.createSnapshot(id, 'x'),
      provider.listSnapshots(),
      provider.deleteSnapshot('mock-snapshot-1'),
      provider.createInstance({ size: 'small', image: { snapshot: 'x' } }),
    ]) {
      expect((await rejection(call, 'NOT_SUPPORTED')).details.feature).toBe('snapshots');
    }
  });

  it('ssh keys not offered: listing keys and creating with keys is NotSupportedError', async () => {
    const { provider } = fastProvider({ offer: { sshKeys: false } });
    expect((await rejection(provider.listSshKeys(), 'NOT_SUPPORTED')).details.feature).toBe('sshKeys');
    expect((await rejection(provider.createInstance({ size: 'small', sshKeys: ['default'] }), 'NOT_SUPPORTED')).details.feature).toBe('sshKeys');
    await provider.createInstance({ size: 'small' });
  });
});
