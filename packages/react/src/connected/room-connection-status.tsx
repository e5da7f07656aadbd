import { ConnectionStatus, type ConnectionStatusProps } from '../components/connection-status.js';
import { useConnectionStatus } from '../hooks/use-connection-status.js';

export type RoomConnectionStatusProps = Omit<ConnectionStatusProps, 'status' | 'error'>;

/**
 * A banner while connecting or reconnecting and an alert once disconnected, bound to
 * useConnectionStatus. Renders nothing while connected.
 *
 * @example
 * <RoomConnectionStatus onRetry={() => setReconnectKey((k) => k + 1)} />
 */
export function RoomConnectionStatus(props: RoomConnectionStatusProps) {
  const { status, error } = useConnectionStatus();
  return <ConnectionStatus {...props} status={status} error={error} />;
}
