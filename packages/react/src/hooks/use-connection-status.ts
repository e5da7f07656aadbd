import type { ConnectionError, RoomStatus } from '@convene/client';
import { shallowEqual, useRoomSelector } from './use-room-selector.js';

export interface ConnectionStatusResult {
  status: RoomStatus;
  /** The last connection error: the terminal one once disconnected, the latest while retrying. */
  error: ConnectionError | null;
}

/**
 * The room connection's status and error; re-renders only when one of them changes.
 *
 * @example
 * const { status } = useConnectionStatus();
 * if (status === 'reconnecting') return <Banner>Reconnecting…</Banner>;
 */
export function useConnectionStatus(): ConnectionStatusResult {
  return useRoomSelector((state) => ({ status: state.status, error: state.error }), shallowEqual, 'useConnectionStatus');
}
