import type { ParticipantView } from '../types.js';
import { useRoomSelector } from './use-room-selector.js';

const identity = (participants: readonly ParticipantView[]) => participants;

/**
 * The remote participants (messaging-enabled, in join order), or a slice of them. Re-renders only
 * when the selected value changes by `isEqual` (default `Object.is`; pass `shallowEqual` when the
 * selector builds an array).
 *
 * @example
 * const participants = useParticipants();
 * const names = useParticipants((ps) => ps.map((p) => p.name), shallowEqual);
 */
export function useParticipants(): readonly ParticipantView[];
export function useParticipants<T>(selector: (participants: readonly ParticipantView[]) => T, isEqual?: (a: T, b: T) => boolean): T;
export function useParticipants<T>(
  selector: (participants: readonly ParticipantView[]) => T = identity as never,
  isEqual?: (a: T, b: T) => boolean,
): T {
  return useRoomSelector((state) => selector(state.participants), isEqual, 'useParticipants');
}
