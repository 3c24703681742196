/**
 * Moto, the AWS emulator, as a second EC2 backend: started per test file on a free loopback port
 * (`python3 -m moto.server`), ready once it answers, stopped at the end. Instance-type, AMI and
 * key-pair validation are on; its AMI catalogue is the fake's public images (Canonical's Ubuntu,
 * Debian's Debian, under their real owner ids), since moto ships no current Ubuntu.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FAKE_PUBLIC_IMAGES, publicImageId } from '../../src/testing/fixtures.js';

export interface MotoServer {
  /** `http://127.0.0.1:<port>` */
  readonly endpoint: string;
  stop(): Promise<void>;
}

/** Why moto cannot run here, or undefined when it can. */
export function motoUnavailable(): string | undefined {
  // Finds the modules without importing them: importing moto takes seconds on a loaded machine.
  const check = "import importlib.util as u, sys; sys.exit(0 if u.find_spec('moto') and u.find_spec('flask') else 3)";
  const probe = spawnSync('python3', ['-c', check], { encoding: 'utf8', timeout: 120_000 });
  if (probe.error) return `python3 is not available (${probe.error.message})`;
  if (probe.status !== 0) return `python3 -m moto is not installed (${probe.stderr.trim().split('\n').at(-1) || 'moto or flask not found'})`;
  return undefined;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

/** The fake's public images as moto's AMI catalogue (the ids of the fake's us-east-1). */
function motoAmis(): object[] {
  return FAKE_PUBLIC_IMAGES.map((image) => ({
    ami_id: publicImageId(image, 'us-east-1'),
    state: 'available',
    public: true,
    owner_id: image.ownerId,
    image_location: `${image.ownerId}/${image.name}`,
    sriov: 'simple',
    root_device_type: 'ebs',
    root_device_name: '/dev/sda1',
    description: image.description,
    image_type: 'machine',
    architecture: image.architecture,
    name: image.name,
    virtualization_type: 'hvm',
    hypervisor: 'xen',
    creation_date: image.creationDate,
  }));
}

export async function startMoto(options: { readyTimeoutMs?: number } = {}): Promise<MotoServer> {
  const dir = await mkdtemp(join(tmpdir(), 'stagely-moto-'));
  const amisPath = join(dir, 'amis.json');
  await writeFile(amisPath, JSON.stringify(motoAmis()));
  const port = await freePort();
  const child: ChildProcess = spawn('python3', ['-m', 'moto.server', '-H', '127.0.0.1', '-p', String(port)], {
    env: {
      ...process.env,
      MOTO_EC2_ENABLE_INSTANCE_TYPE_VALIDATION: 'true',
      MOTO_ENABLE_AMI_VALIDATION: 'true',
      MOTO_ENABLE_KEYPAIR_VALIDATION: 'true',
      MOTO_AMIS_PATH: amisPath,
    },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString('utf8')).slice(-4000);
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const endpoint = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    }
    await rm(dir, { recursive: true, force: true });
  };

  // Ready = it answers HTTP; polled, never a fixed sleep.
  const deadline = Date.now() + (options.readyTimeoutMs ?? 120_000);
  for (;;) {
    if (child.exitCode !== null) {
      await stop();
      throw new Error(`moto.server exited with ${child.exitCode} before it was ready: ${stderr.trim()}`);
    }
    try {
      const response = await fetch(`${endpoint}/moto-api/`, { signal: AbortSignal.timeout(2000) });
      await response.arrayBuffer();
      break;
    } catch {
      if (Date.now() > deadline) {
        await stop();
        throw new Error(`moto.server did not answer within ${options.readyTimeoutMs ?? 120_000} ms: ${stderr.trim()}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  return { endpoint, stop };
}
