import { render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import type { ParticipantView } from '../../types.js';
import { avatarColor } from '../avatar-color.js';
import { AvatarStack } from '../avatar-stack.js';
import { ConnectionStatus } from '../connection-status.js';
import { ParticipantList } from '../participant-list.js';
import { TypingIndicator } from '../typing-indicator.js';

function person(i: number, name: string | null = `Person ${i}`, role = 'user', attributes: Record<string, unknown> = {}): ParticipantView {
  return { id: `p${i}`, role, name, attributes: { ...(name ? { name } : {}), ...attributes } };
}

describe('TypingIndicator', () => {
  it.each([
    [['Alice'], 'Alice is typing…'],
    [['Alice', 'Bob'], 'Alice and Bob are typing…'],
    [['Alice', 'Bob', 'Carol'], 'Alice, Bob and Carol are typing…'],
    [['Alice', 'Bob', 'Carol', 'Dan', 'Eve'], 'Alice, Bob and 3 others are typing…'],
  ])('%j → %s', (names, text) => {
    render(<TypingIndicator names={names} />);
    expect(screen.getByRole('status').textContent).toBe(text);
  });

  it('shows nothing when nobody types but keeps its live region', () => {
    const { rerender } = render(<TypingIndicator names={[]} />);
    const region = screen.getByRole('status');
    expect(region.textContent).toBe('');
    rerender(<TypingIndicator names={['Alice']} />);
    // The same element, so a screen reader announces the change.
    expect(screen.getByRole('status')).toBe(region);
    expect(region.textContent).toBe('Alice is typing…');
  });
});

describe('AvatarStack', () => {
  it('shows up to max avatars and counts the rest', () => {
    const people = Array.from({ length: 12 }, (_, i) => person(i));
    render(<AvatarStack participants={people} max={4} />);
    const group = screen.getByRole('group', { name: 'Participants (12)' });
    const images = within(group).getAllByRole('img');
    expect(images).toHaveLength(5);
    expect(images.slice(0, 4).map((img) => img.getAttribute('aria-label'))).toEqual(['Person 0', 'Person 1', 'Person 2', 'Person 3']);
    expect(screen.getByText('+8')).toBeTruthy();
    expect(images[4]!.getAttribute('aria-label')).toMatch(/^8 more: Person 4, Person 5/);
  });

  it('has no overflow chip when everyone fits', () => {
    render(<AvatarStack participants={[person(1), person(2)]} max={2} />);
    expect(screen.getAllByRole('img')).toHaveLength(2);
    expect(screen.queryByText(/^\+/)).toBeNull();
  });

  it('shows initials, names the avatar, and colours it from the id', () => {
    render(<AvatarStack participants={[{ id: 'abc', name: 'Ada Lovelace' }, { id: 'xyz', name: null }]} />);
    const ada = screen.getByRole('img', { name: 'Ada Lovelace' });
    expect(ada.textContent).toBe('AL');
    expect(ada.getAttribute('title')).toBe('Ada Lovelace');
    expect(ada.dataset['color']).toBe(String(avatarColor('abc')));
    expect(screen.getByRole('img', { name: 'Anonymous' }).textContent).toBe('A');
  });
});

describe('ParticipantList', () => {
  it('lists us first as "(you)", with roles for agents and statuses', () => {
    render(
      <ParticipantList
        participants={[person(1, 'Bob', 'user', { status: 'Away' }), person(2, 'Summarizer', 'agent')]}
        local={{ id: 'me', name: 'Sam', attributes: {} }}
      />,
    );
    const items = within(screen.getByRole('list')).getAllByRole('listitem');
    expect(items.map((item) => item.textContent)).toEqual(['SSam (you)', 'BBobAway', 'SSummarizeragent']);
    expect(screen.getByRole('region', { name: 'Participants (3)' })).toBeTruthy();
  });

  it('leaves us out until we have an id', () => {
    render(<ParticipantList participants={[person(1)]} local={{ id: null, name: null, attributes: {} }} />);
    expect(screen.getAllByRole('listitem')).toHaveLength(1);
  });

  it('says when nobody is here', () => {
    render(<ParticipantList participants={[]} />);
    expect(screen.queryByRole('list')).toBeNull();
    expect(screen.getByText('Nobody else is here yet')).toBeTruthy();
  });

  it('lists 200 participants', () => {
    render(<ParticipantList participants={Array.from({ length: 200 }, (_, i) => person(i))} />);
    expect(screen.getAllByRole('listitem')).toHaveLength(200);
  });
});

describe('ConnectionStatus', () => {
  it('renders nothing while connected or idle', () => {
    const { container, rerender } = render(<ConnectionStatus status="connected" />);
    expect(container.innerHTML).toBe('');
    rerender(<ConnectionStatus status="idle" />);
    expect(container.innerHTML).toBe('');
  });

  it.each([
    ['authorizing', 'Connecting…'],
    ['connecting', 'Connecting…'],
    ['reconnecting', 'Reconnecting…'],
  ] as const)('is a polite status while %s', (status, text) => {
    render(<ConnectionStatus status={status} />);
    expect(screen.getByRole('status').textContent).toBe(text);
    expect(screen.queryByRole('alert')).toBeNull();
  });

  it('is an alert with the reason and a retry button once disconnected', async () => {
    const user = userEvent.setup();
    const onRetry = vi.fn();
    render(<ConnectionStatus status="disconnected" error={{ code: 'connection_lost', message: 'The connection was lost.' }} onRetry={onRetry} />);
    const alert = screen.getByRole('alert');
    expect(alert.textContent).toContain('Disconnected');
    expect(alert.textContent).toContain('The connection was lost.');
    await user.click(screen.getByRole('button', { name: 'Try again' }));
    expect(onRetry).toHaveBeenCalledOnce();
  });

  it('offers no retry without a handler', () => {
    render(<ConnectionStatus status="disconnected" />);
    expect(screen.getByRole('alert').textContent).toBe('Disconnected');
    expect(screen.queryByRole('button')).toBeNull();
  });
});
