#!/usr/bin/env node
// Enforces the dependency direction of DESIGN.md on the sources:
//   protocol imports nothing; client never imports react, server, ws or Node builtins (except its
//   Node entry point and CLI); server never imports client or react. Also refuses import cycles.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';

const root = resolve(dirname(new URL(import.meta.url).pathname), '..');
const builtins = new Set(builtinModules.flatMap((m) => [m, `node:${m}`]));
const isBuiltin = (spec) => spec.startsWith('node:') || builtins.has(spec.split('/')[0]);
const packageOf = (spec) => (spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0]);

const rules = {
  protocol: { allowed: new Set(), exempt: () => false },
  client: {
    allowed: new Set(['@convene/protocol', 'jose', 'yjs', '@cfworker/json-schema']),
    // The Node entry point and the CLI are the only places that may touch ws and Node.
    exempt: (file) => file === 'src/node.ts' || file.startsWith('src/cli/'),
  },
  react: {
    allowed: new Set(['@convene/client', 'zustand', '@tanstack/react-query', '@tanstack/react-virtual', 'react', 'react-dom']),
    exempt: () => false,
    // Presentational components take props only: never the store, hooks, provider or wrappers.
    forbiddenLocal: (file, target) =>
      file.startsWith('src/components/') && /\/src\/(store|hooks|connected)\/|\/src\/room-provider\.tsx?$/.test(target),
  },
  server: {
    allowed: new Set(['@convene/protocol', 'jose', 'ws', 'yjs', 'y-protocols', 'lib0', '@electric-sql/pglite', 'pg']),
    exempt: () => false,
    builtinsAllowed: true,
  },
};

function sources(dir) {
  const out = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) {
      if (name !== '__tests__') out.push(...sources(path));
    } else if (/\.tsx?$/.test(name) && !/\.(test|spec|stories)\.tsx?$/.test(name)) out.push(path);
  }
  return out;
}

// Returns { spec, typeOnly }: type-only imports are erased at build time, so they count for the
// dependency rules (a type still couples packages) but not for runtime cycles.
function importsOf(source) {
  // Comments (JSDoc @example blocks) often show imports; they are not dependencies.
  const text = source.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|\s)\/\/.*$/gm, '$1');
  const specs = [];
  const pattern = /(?:^|[\s;])((?:import|export)\s[^'"]*?)from\s*['"]([^'"]+)['"]|(?:^|[\s;])import\s*['"]([^'"]+)['"]|\bimport\(\s*['"]([^'"]+)['"]\s*\)|\brequire\(\s*['"]([^'"]+)['"]\s*\)/g;
  for (const match of text.matchAll(pattern)) {
    const typeOnly = match[1] !== undefined && /^(?:import|export)\s+type\s/.test(match[1]);
    specs.push({ spec: match[2] ?? match[3] ?? match[4] ?? match[5], typeOnly });
  }
  return specs;
}

const problems = [];
for (const [pkg, rule] of Object.entries(rules)) {
  const pkgRoot = join(root, 'packages', pkg);
  const graph = new Map();
  for (const path of sources(join(pkgRoot, 'src'))) {
    const file = relative(pkgRoot, path);
    const local = [];
    for (const { spec, typeOnly } of importsOf(readFileSync(path, 'utf8'))) {
      if (spec.startsWith('.')) {
        const target = resolve(dirname(path), spec).replace(/\.js$/, '.ts');
        if (rule.forbiddenLocal?.(file, target)) problems.push(`${pkg}/${file} imports ${relative(pkgRoot, target)}: presentational components take props only`);
        if (!typeOnly) local.push(target, target.replace(/\.ts$/, '.tsx'));
        continue;
      }
      if (rule.exempt(file)) continue;
      if (isBuiltin(spec)) {
        if (!rule.builtinsAllowed) problems.push(`${pkg}/${file} imports the Node builtin "${spec}"`);
      } else if (!rule.allowed.has(packageOf(spec))) {
        problems.push(`${pkg}/${file} imports "${spec}", which ${pkg} may not depend on`);
      }
    }
    graph.set(path, local);
  }
  // Cycle check: depth-first search over relative imports.
  const state = new Map();
  const visit = (node, stack) => {
    if (state.get(node) === 'done') return;
    if (state.get(node) === 'active') {
      const cycle = stack.slice(stack.indexOf(node)).concat(node).map((p) => relative(pkgRoot, p));
      problems.push(`${pkg}: import cycle ${cycle.join(' -> ')}`);
      return;
    }
    state.set(node, 'active');
    for (const next of graph.get(node) ?? []) if (graph.has(next)) visit(next, [...stack, node]);
    state.set(node, 'done');
  };
  for (const node of graph.keys()) visit(node, []);
}

if (problems.length > 0) {
  console.error(`boundary check failed:\n- ${problems.join('\n- ')}`);
  process.exit(1);
}
console.log('boundary check passed: protocol is a leaf, client is headless, server does not import client, components take props only, no cycles');
