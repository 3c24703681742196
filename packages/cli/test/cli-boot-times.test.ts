import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BOOT_TIMES_FILE } from '../src/cli/boot-times-file.js';
import { MOCK_FILE, stagely, tempProjects } from './helpers/cli.js';

const project = tempProjects();

const bootTimes = (dir: string): Record<string, number[]> => JSON.parse(readFileSync(join(dir, BOOT_TIMES_FILE), 'utf8')) as Record<string, number[]>;

describe('boot times kept between runs', () => {
  it('an apply records each boot in the project, per type and region, and the next run adds to what the last one learned', async () => {
    const { dir } = project(MOCK_FILE);
    expect((await stagely(['apply', 'demo', '--yes'], { cwd: dir })).code).toBe(0);
    // web is small, db medium: one boot each, under provider/type/region.
    const first = bootTimes(dir);
    expect(Object.keys(first).sort()).toEqual(['mock/m1.medium/mock-1', 'mock/m1.small/mock-1']);
    expect(Object.values(first).map((samples) => samples.length)).toEqual([1, 1]);
    expect((await stagely(['destroy', 'demo', '--yes'], { cwd: dir })).code).toBe(0);
    expect((await stagely(['apply', 'demo', '--yes'], { cwd: dir })).code).toBe(0);
    expect(Object.values(bootTimes(dir)).map((samples) => samples.length)).toEqual([2, 2]);
  });

  it('starts afresh from an unreadable file, and writes nothing for a command that waited for nothing', async () => {
    const p = project(MOCK_FILE);
    expect((await stagely(['list'], { cwd: p.dir })).code).toBe(0);
    expect(existsSync(join(p.dir, BOOT_TIMES_FILE))).toBe(false);
    mkdirSync(join(p.dir, '.stagely'), { recursive: true });
    p.write('{ not json', BOOT_TIMES_FILE);
    expect((await stagely(['apply', 'demo', '--yes'], { cwd: p.dir })).code).toBe(0);
    expect(Object.values(bootTimes(p.dir)).flat()).toHaveLength(2);
  });
});
