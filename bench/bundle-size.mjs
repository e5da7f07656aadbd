#!/usr/bin/env node
// Scenario 6: gzip sizes of the client libraries as an app's bundler would ship them, from the
// TypeScript sources (the "source" export condition), minified, in vite library mode (rolldown).
//   @convene/client — everything but Yjs (its own protocol package and @cfworker/json-schema
//                     are inside: an app pays for them).
//   @convene/react  — the package alone: @convene/client, zustand, TanStack, React external.
// Budgets: client ≤ 15 kB gzip, react ≤ 12 kB gzip (1 kB = 1000 bytes). `--check` exits 1 when
// one is exceeded; `--json` prints the result as JSON.
import { gzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';
import { build, defaultClientConditions } from 'vite';

const root = fileURLToPath(new URL('..', import.meta.url));

export const BUDGETS = { client: 15_000, react: 12_000 };

const TARGETS = {
  client: {
    entry: 'packages/client/src/index.ts',
    external: (id) => id === 'yjs' || id.startsWith('yjs/') || id === 'lib0' || id.startsWith('lib0/'),
  },
  react: {
    entry: 'packages/react/src/index.ts',
    external: (id) => !id.startsWith('.') && !id.startsWith('/') && !id.startsWith('\0') && !/^[A-Za-z]:/.test(id),
  },
};

async function bundle(name) {
  const { entry, external } = TARGETS[name];
  const output = await build({
    root,
    configFile: false,
    logLevel: 'silent',
    resolve: { conditions: ['source', ...defaultClientConditions] },
    build: {
      write: false,
      minify: true,
      sourcemap: false,
      lib: { entry: `${root}/${entry}`, formats: ['es'], fileName: name },
      rollupOptions: { external, treeshake: true },
    },
  });
  const outputs = (Array.isArray(output) ? output : [output]).flatMap((o) => o.output);
  const chunks = outputs.filter((o) => o.type === 'chunk');
  const code = chunks.map((c) => c.code).join('\n');
  const imports = [...new Set(chunks.flatMap((c) => c.imports))].filter((i) => !i.startsWith('.')).sort();
  return { minified: Buffer.byteLength(code), gzip: gzipSync(code, { level: 9 }).length, external: imports };
}

export async function bundleSizes() {
  const result = {};
  for (const name of Object.keys(TARGETS)) {
    const size = await bundle(name);
    result[name] = { ...size, budget: BUDGETS[name], withinBudget: size.gzip <= BUDGETS[name] };
  }
  return result;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const result = await bundleSizes();
  if (process.argv.includes('--json')) {
    process.stdout.write(`${JSON.stringify(result)}\n`);
  } else {
    for (const [name, r] of Object.entries(result)) {
      process.stdout.write(
        `@convene/${name}: ${(r.gzip / 1000).toFixed(2)} kB gzip (${(r.minified / 1000).toFixed(1)} kB min), budget ${r.budget / 1000} kB: ${r.withinBudget ? 'ok' : 'OVER BUDGET'}; external: ${r.external.join(', ') || 'none'}\n`,
      );
    }
  }
  if (process.argv.includes('--check') && Object.values(result).some((r) => !r.withinBudget)) process.exit(1);
}
