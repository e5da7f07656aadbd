import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ChatMessage } from '../../types.js';
import { Chat } from '../chat.js';
import { stubListLayout } from './layout-stub.js';

const hello: ChatMessage = {
  id: 'm1',
  type: 'chat',
  body: { text: 'Hello' },
  fromParticipantId: 'p1',
  senderName: 'Alice',
  local: false,
  state: 'received',
  time: 0,
};

describe('Chat', () => {
  let restore: () => void;
  beforeEach(() => {
    restore = stubListLayout();
  });
  afterEach(() => restore());

  it('shows messages and who is typing, and sends from the composer', async () => {
    const user = userEvent.setup();
    const onSend = vi.fn();
    render(<Chat messages={[hello]} typingNames={['Bob']} onSend={onSend} status="connected" />);
    expect(screen.getByRole('region', { name: 'Chat' })).toBeTruthy();
    expect(screen.getByRole('log').textContent).toContain('Hello');
    expect(screen.getByRole('status').textContent).toBe('Bob is typing…');
    await user.type(screen.getByRole('textbox', { name: 'Message' }), 'Hi Alice{Enter}');
    expect(onSend).toHaveBeenCalledExactlyOnceWith({ text: 'Hi Alice' });
  });

  it('keeps sending on while reconnecting (the client queues) and shows the banner', () => {
    render(<Chat messages={[]} onSend={() => {}} status="reconnecting" />);
    expect(screen.getByText('Reconnecting…')).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Attach a file' })).toHaveProperty('disabled', false);
  });

  it('turns sending off when disconnected and offers to reconnect', async () => {
    const user = userEvent.setup();
    const onSend = vi.fn();
    const onReconnect = vi.fn();
    render(<Chat messages={[hello]} onSend={onSend} status="disconnected" error={{ code: 'x', message: 'Lost.' }} onReconnect={onReconnect} />);
    expect(screen.getByRole('alert').textContent).toContain('Lost.');
    await user.type(screen.getByRole('textbox', { name: 'Message' }), 'queued?{Enter}');
    expect(onSend).not.toHaveBeenCalled();
    expect(screen.getByText(/You are offline/)).toBeTruthy();
    await user.click(screen.getByRole('button', { name: 'Try again' }));
    expect(onReconnect).toHaveBeenCalledOnce();
  });
});
