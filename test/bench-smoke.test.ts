import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';

// The performance harness (bench/) is never a timed test: this only checks that it runs end to end
// in its tiny `--smoke` mode, and that the client bundles stay within their size budgets.
const run = promisify(execFile);
const root = fileURLToPath(new URL('..', import.meta.url));
const work = mkdtempSync(join(tmpdir(), 'convene-bench-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

interface Row {
  scenario: string;
  metric: string;
  convene?: number | string;
}

describe('bench harness', () => {
  it('runs every scenario in smoke mode and reports each figure', { timeout: 120_000 }, async () => {
    const json = join(work, 'smoke.json');
    const built = ['protocol', 'client', 'server', 'react'].every((p) => existsSync(join(root, `packages/${p}/dist/index.js`)));
    const { stdout } = await run(process.execPath, ['bench/run.mjs', '--smoke', `--json=${json}`, ...(built ? ['--no-build'] : [])], {
      cwd: root,
      timeout: 110_000,
      maxBuffer: 16 * 1024 * 1024,
    });
    expect(stdout).toContain('| scenario | metric | Convene | raw relay |');
    const result = JSON.parse(readFileSync(json, 'utf8')) as { scenarios: Record<string, unknown>; table: Row[] };
    expect(Object.keys(result.scenarios).sort()).toEqual(['bundle', 'direct', 'docs', 'docsThroughput', 'fanout', 'memory', 'react', 'throughput']);
    const scenarios = new Set(result.table.map((row) => row.scenario.split(' ')[0]));
    expect([...scenarios].sort()).toEqual(['1', '2', '3', '4', '5', '6', '7']);
    // Every figure is there; its value is not judged (a lost message reads "Infinity").
    for (const row of result.table) {
      expect(typeof row.convene === 'number' || row.convene === 'Infinity', `${row.scenario} / ${row.metric}: ${String(row.convene)}`).toBe(true);
    }
  });

  it('keeps @convene/client ≤ 15 kB and @convene/react ≤ 12 kB gzip', { timeout: 60_000 }, async () => {
    // Vitest sets NODE_ENV=test, which would make Vite bundle the JSX dev runtime; apps ship production builds.
    const env = { ...process.env, NODE_ENV: 'production' };
    const { stdout } = await run(process.execPath, ['bench/bundle-size.mjs', '--json'], { cwd: root, timeout: 55_000, env });
    const sizes = JSON.parse(stdout) as Record<string, { gzip: number; budget: number | null }>;
    expect(sizes['client']?.budget).toBe(15_000);
    expect(sizes['react']?.budget).toBe(12_000);
    for (const [name, size] of Object.entries(sizes)) {
      if (size.budget === null) continue; // information only
      expect(size.gzip, `@convene/${name}: ${size.gzip} B gzip against a budget of ${size.budget} B (node bench/bundle-size.mjs)`).toBeLessThanOrEqual(size.budget);
    }
  });
});
