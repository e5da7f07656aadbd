import { useCallback, useRef, useSyncExternalStore } from 'react';
import type { RoomStoreState } from '../store/room-store-types.js';
import { useRoomStore } from './use-room-store.js';

/**
 * Reads a slice of the room store. The component re-renders only when `isEqual` says the slice
 * changed (default `Object.is`), so a selector may build a new array as long as it passes an
 * equality like {@link shallowEqual}.
 */
export function useRoomSelector<T>(
  selector: (state: RoomStoreState) => T,
  isEqual: (a: T, b: T) => boolean = Object.is,
  hookName = 'useRoomSelector',
): T {
  const store = useRoomStore(hookName);
  const cache = useRef<{ state: RoomStoreState; selector: unknown; value: T } | null>(null);
  const getSnapshot = (): T => {
    const state = store.getState();
    const cached = cache.current;
    if (cached && cached.state === state && cached.selector === selector) return cached.value;
    const value = selector(state);
    // Keep the previous reference when equal, so React sees no change.
    const stable = cached && isEqual(cached.value, value) ? cached.value : value;
    cache.current = { state, selector, value: stable };
    return stable;
  };
  const subscribe = useCallback((onChange: () => void) => store.subscribe(onChange), [store]);
  return useSyncExternalStore(subscribe, getSnapshot, getSnapshot);
}

/** Equal when both arrays (or objects) hold the same items by `Object.is`. */
export function shallowEqual<T>(a: T, b: T): boolean {
  if (Object.is(a, b)) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    return a.every((item, i) => Object.is(item, b[i]));
  }
  const keysA = Object.keys(a);
  if (keysA.length !== Object.keys(b).length) return false;
  return keysA.every((key) => Object.is((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key]));
}
