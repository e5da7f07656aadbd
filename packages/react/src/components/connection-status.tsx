import { forwardRef, type HTMLAttributes } from 'react';
import type { ConnectionStatusValue } from '../types.js';

export interface ConnectionStatusProps extends Omit<HTMLAttributes<HTMLDivElement>, 'children'> {
  status: ConnectionStatusValue;
  /** Why the connection ended; its message is shown when disconnected. */
  error?: { readonly code: string; readonly message: string } | null;
  /** Shown as a "Try again" button when disconnected. */
  onRetry?: () => void;
}

const PENDING_TEXT: Partial<Record<ConnectionStatusValue, string>> = {
  authorizing: 'Connecting…',
  connecting: 'Connecting…',
  reconnecting: 'Reconnecting…',
};

/**
 * A banner about the connection: nothing while connected (or idle), a polite status while
 * connecting or reconnecting, an alert with the reason and a retry button once disconnected.
 *
 * State for styling: `data-status` (the status value).
 *
 * @example
 * <ConnectionStatus status={status} error={error} onRetry={reconnect} />
 */
export const ConnectionStatus = forwardRef<HTMLDivElement, ConnectionStatusProps>(function ConnectionStatus(
  { status, error, onRetry, className, ...rest },
  ref,
) {
  const classes = className ? `cv-connection-status ${className}` : 'cv-connection-status';
  if (status === 'disconnected') {
    return (
      <div ref={ref} role="alert" data-status={status} className={classes} {...rest}>
        <span className="cv-connection-status-text">
          <strong className="cv-connection-status-title">Disconnected</strong>
          {error?.message ? <span className="cv-connection-status-error"> {error.message}</span> : null}
        </span>
        {onRetry ? (
          <button type="button" className="cv-connection-status-retry" onClick={onRetry}>
            Try again
          </button>
        ) : null}
      </div>
    );
  }
  const text = PENDING_TEXT[status];
  if (!text) return null;
  return (
    <div ref={ref} role="status" data-status={status} className={classes} {...rest}>
      <span className="cv-connection-status-spinner" aria-hidden="true" />
      <span className="cv-connection-status-text">{text}</span>
    </div>
  );
});
