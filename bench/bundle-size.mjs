#!/usr/bin/env node
// Scenario 6: gzip sizes of the client libraries as an app's bundler would ship them, from the
// TypeScript sources (the "source" export condition), minified, in vite library mode (rolldown).
//   @convene/client — everything but Yjs (its own protocol package and @cfworker/json-schema
//                     are inside: an app pays for them).
//   @convene/client/all — (information, no budget) the client with every room API registered.
//   @convene/react  — the package alone: @convene/client, zustand, TanStack, React external.
// Budgets: client ≤ 15 kB gzip, react ≤ 12 kB gzip (1 kB = 1000 bytes). `--check` exits 1 when
// one is exceeded; `--json` prints the result as JSON.
import { gzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';
import { build, defaultClientConditions } from 'vite';

import { existsSync } from 'node:fs';

const root = fileURLToPath(new URL('..', import.meta.url)).replace(/\/$/, '');

export const BUDGETS = { client: 15_000, react: 12_000 };

const TARGETS = {
  client: {
    entry: 'packages/client/src/index.ts',
    external: (id) => id === 'yjs' || id.startsWith('yjs/') || id === 'lib0' || id.startsWith('lib0/'),
  },
  // Information only (no budget): the client with every room API registered, still without Yjs.
  clientAll: {
    entry: 'packages/client/src/all.ts',
    optional: true,
    external: (id) => id === 'yjs' || id.startsWith('yjs/') || id === 'lib0' || id.startsWith('lib0/'),
  },
  react: {
    entry: 'packages/react/src/index.ts',
    external: (id) => !id.startsWith('.') && !id.startsWith('/') && !id.startsWith('\0') && !/^[A-Za-z]:/.test(id),
  },
};

async function bundle(name, extraExternal = () => false) {
  const { entry, external: baseExternal } = TARGETS[name];
  const external = (id) => baseExternal(id) || extraExternal(id);
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
  // Pre-minification size of each source area: where the bytes come from.
  const areas = {};
  for (const chunk of chunks) {
    for (const [id, info] of Object.entries(chunk.modules)) {
      const area = id.includes('/node_modules/') ? id.split('/node_modules/').pop().split('/').slice(0, id.split('/node_modules/').pop().startsWith('@') ? 2 : 1).join('/') : id.replace(`${root}/`, '').split('/').slice(0, 3).join('/');
      areas[area] = (areas[area] ?? 0) + info.renderedLength;
    }
  }
  return { minified: Buffer.byteLength(code), gzip: gzipSync(code, { level: 9 }).length, external: imports, sourceBytesByArea: areas };
}

export const label = (name) => (name === 'clientAll' ? '@convene/client/all' : `@convene/${name}`);

export async function bundleSizes() {
  // Apps ship production builds: with NODE_ENV=test (Vitest) or development, Vite would pick the JSX
  // dev runtime and dev-only branches.
  const previous = process.env.NODE_ENV;
  process.env.NODE_ENV = 'production';
  try {
    return await measureAll();
  } finally {
    if (previous === undefined) delete process.env.NODE_ENV;
    else process.env.NODE_ENV = previous;
  }
}

async function measureAll() {
  const result = {};
  for (const name of Object.keys(TARGETS)) {
    if (TARGETS[name].optional && !existsSync(`${root}/${TARGETS[name].entry}`)) continue;
    const size = await bundle(name);
    const budget = BUDGETS[name] ?? null;
    result[name] = { ...size, budget, withinBudget: budget === null || size.gzip <= budget };
    if (size.sourceBytesByArea['@cfworker/json-schema']) {
      // What the client would weigh if the JSON Schema validator (hosted toolkits) were not in it.
      result[name].gzipWithoutJsonSchema = (await bundle(name, (id) => id.startsWith('@cfworker/'))).gzip;
    }
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
        `${label(name)}: ${(r.gzip / 1000).toFixed(2)} kB gzip (${(r.minified / 1000).toFixed(1)} kB min), ${r.budget === null ? 'no budget' : `budget ${r.budget / 1000} kB: ${r.withinBudget ? 'ok' : 'OVER BUDGET'}`}; external: ${r.external.join(', ') || 'none'}\n` +
          `  source bytes by area (before minification): ${Object.entries(r.sourceBytesByArea).sort((a, b) => b[1] - a[1]).map(([k, v]) => `${k} ${(v / 1000).toFixed(1)} kB`).join(', ')}\n` +
          (r.gzipWithoutJsonSchema ? `  without @cfworker/json-schema: ${(r.gzipWithoutJsonSchema / 1000).toFixed(2)} kB gzip\n` : ''),
      );
    }
  }
  if (process.argv.includes('--check') && Object.values(result).some((r) => !r.withinBudget)) process.exit(1);
}
