import { TextDecoder, TextEncoder } from 'node:util';
import { cleanup } from '@testing-library/react';
import { afterEach } from 'vitest';

// Vitest's jsdom environment replaces the binary types (Uint8Array, ArrayBuffer, …) with jsdom's
// own realm's, so Node's Buffers and TextEncoder output fail `instanceof Uint8Array` (our codec and
// jose check it). The hook tests run a real server and the Node transport in this process, so put
// Node's constructors back: `structuredClone` (a Node global) rebuilds a value in Node's realm.
const binaryTypes = [
  'Uint8Array', 'Uint8ClampedArray', 'Int8Array', 'Uint16Array', 'Int16Array', 'Uint32Array',
  'Int32Array', 'Float32Array', 'Float64Array',
] as const;
for (const name of binaryTypes) {
  const nodeCtor = structuredClone(new globalThis[name](0)).constructor;
  Object.defineProperty(globalThis, name, { value: nodeCtor, configurable: true, writable: true });
}
Object.defineProperty(globalThis, 'ArrayBuffer', { value: structuredClone(new ArrayBuffer(0)).constructor, configurable: true, writable: true });
Object.assign(globalThis, { TextEncoder, TextDecoder });

// React Testing Library unmounts between tests only when globals are on; do it explicitly.
afterEach(() => cleanup());
