/** Moto for one test file, behind core's fault proxy: started before the file's tests, stopped after them. */
import { startFaultProxy, type FaultProxy } from '@stagely/provider-core/testing';
import { afterAll, beforeAll } from 'vitest';
import { startMoto, type MotoServer } from './moto-server.js';

export interface MotoFile {
  /** Moto itself, for set-up past the provider. */
  moto(): MotoServer;
  /** The proxy in front of it: the provider's endpoint, its fault plan and call log. */
  proxy(): FaultProxy;
}

export function motoForThisFile(setUp?: (moto: MotoServer) => Promise<void>): MotoFile {
  let moto: MotoServer | undefined;
  let proxy: FaultProxy | undefined;
  beforeAll(async () => {
    moto = await startMoto();
    proxy = await startFaultProxy({ target: moto.endpoint });
    await setUp?.(moto);
  }, 180_000);
  afterAll(async () => {
    await proxy?.close();
    await moto?.stop();
  });
  return { moto: () => moto!, proxy: () => proxy! };
}
