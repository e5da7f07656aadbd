import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import type { ChatMessage } from '../../types.js';
import { Message } from '../message.js';

const TIME = Date.UTC(2025, 4, 12, 9, 30);

function message(overrides: Partial<ChatMessage> = {}): ChatMessage {
  return {
    id: 'm1',
    type: 'chat',
    body: { text: 'Hello there' },
    fromParticipantId: 'p1',
    senderName: 'Alice',
    local: false,
    state: 'received',
    time: TIME,
    ...overrides,
  };
}

describe('Message', () => {
  it('shows the sender, the time and the text', () => {
    render(<Message message={message()} formatTime={() => '9:30'} />);
    const article = screen.getByRole('article');
    expect(article.textContent).toContain('Alice');
    expect(article.textContent).toContain('Hello there');
    const time = screen.getByText('9:30');
    expect(time.tagName).toBe('TIME');
    expect(time.getAttribute('datetime')).toBe('2025-05-12T09:30:00.000Z');
    expect(article.dataset['state']).toBe('received');
    expect(article.hasAttribute('data-local')).toBe(false);
  });

  it('marks our own messages', () => {
    render(<Message message={message({ local: true, state: 'sent' })} />);
    expect(screen.getByRole('article').hasAttribute('data-local')).toBe(true);
  });

  it('says a pending message is being sent', () => {
    render(<Message message={message({ local: true, state: 'pending' })} />);
    expect(screen.getByText('Sending…')).toBeTruthy();
    expect(screen.getByRole('article').dataset['state']).toBe('pending');
  });

  it('shows why a message failed and retries it on request', async () => {
    const user = userEvent.setup();
    const onRetry = vi.fn();
    const failed = message({ local: true, state: 'failed', error: 'Message too large' });
    render(<Message message={failed} onRetry={onRetry} />);
    expect(screen.getByText('Not sent: Message too large')).toBeTruthy();
    expect(screen.getByRole('article').dataset['state']).toBe('failed');
    await user.click(screen.getByRole('button', { name: 'Retry' }));
    expect(onRetry).toHaveBeenCalledExactlyOnceWith(failed);
  });

  it('offers no Retry without a handler', () => {
    render(<Message message={message({ local: true, state: 'failed' })} />);
    expect(screen.getByText('Not sent')).toBeTruthy();
    expect(screen.queryByRole('button')).toBeNull();
  });

  it('shows a body without text as compact JSON', () => {
    render(<Message message={message({ type: 'tool.result', body: { decisions: 3, open: ['budget'] } })} />);
    expect(screen.getByText('{"decisions":3,"open":["budget"]}')).toBeTruthy();
  });

  it('shows an attachment with its name and size', () => {
    const attachment = { name: 'report.pdf', size: 1_572_864, mimeType: 'application/pdf', data: new Uint8Array(8) };
    render(<Message message={message({ attachment })} />);
    expect(screen.getByText('report.pdf')).toBeTruthy();
    expect(screen.getByText('1.5 MB')).toBeTruthy();
  });

  it('keeps line breaks and long words inside the text element', () => {
    const text = `first line\nsecond ${'x'.repeat(300)}`;
    render(<Message message={message({ body: { text } })} />);
    expect(screen.getByText((_, el) => el?.className === 'cv-message-text').textContent).toBe(text);
  });
});
