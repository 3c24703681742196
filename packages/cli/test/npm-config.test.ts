/**
 * npm reads the repository's .npmrc too (`npm run demo`, `npm test`): it must hold only settings npm
 * knows, or every npm command warns. pnpm's own settings are in pnpm-workspace.yaml.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runToEnd } from './helpers/cli.js';

const root = join(import.meta.dirname, '..', '..', '..');

/** npm without the npm_config_* variables of whatever runs the tests (pnpm sets its own): only the files count. */
function npm(args: string[]) {
  const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !/^npm_config_/i.test(key)));
  return runToEnd(process.platform === 'win32' ? 'npm.cmd' : 'npm', args, { cwd: root, env });
}

describe('the repository under npm', () => {
  it('npm finds no unknown project config', async () => {
    const r = await npm(['pkg', 'get', 'name']);
    expect(r.code).toBe(0);
    expect(r.stderr).not.toMatch(/Unknown (project|env) config/);
  });

  it('keeps pnpm installing peer dependencies, from pnpm-workspace.yaml', () => {
    expect(readFileSync(join(root, 'pnpm-workspace.yaml'), 'utf8')).toMatch(/^autoInstallPeers: true$/m);
    expect(readFileSync(join(root, '.npmrc'), 'utf8')).not.toContain('auto-install-peers');
  });
});
