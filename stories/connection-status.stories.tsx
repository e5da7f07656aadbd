import type { Meta, StoryObj } from '@storybook/react-vite';
import { expect, fn, userEvent, within } from 'storybook/test';
import { ConnectionStatus } from '../packages/react/src/components/connection-status.js';

const meta = {
  title: 'Presence/ConnectionStatus',
  component: ConnectionStatus,
  args: { status: 'connected' },
} satisfies Meta<typeof ConnectionStatus>;

export default meta;
type Story = StoryObj<typeof meta>;

/** Connected: nothing to say, nothing rendered. */
export const Connected: Story = {
  play: async ({ canvasElement }) => {
    await expect(canvasElement.querySelector('.cv-connection-status')).toBeNull();
  },
};

export const Connecting: Story = { args: { status: 'connecting' } };

export const Reconnecting: Story = { args: { status: 'reconnecting' } };

export const Disconnected: Story = {
  args: {
    status: 'disconnected',
    error: { code: 'connection_lost', message: 'The connection to the room was lost.' },
    onRetry: fn(),
  },
  play: async ({ canvasElement, args }) => {
    const canvas = within(canvasElement);
    await expect(canvas.getByRole('alert')).toHaveTextContent('The connection to the room was lost.');
    await userEvent.click(canvas.getByRole('button', { name: 'Try again' }));
    await expect(args.onRetry).toHaveBeenCalledOnce();
  },
};

/** A terminal refusal (expired or revoked token): no retry offered. */
export const Refused: Story = {
  args: { status: 'disconnected', error: { code: 'unauthorized', message: 'Your access to this room was revoked.' } },
};

export const RightToLeft: Story = { parameters: { dir: 'rtl' }, args: { status: 'disconnected', error: { code: 'x', message: 'انقطع الاتصال' }, onRetry: fn() } };

export const DarkTheme: Story = {
  parameters: { theme: 'dark' },
  render: (args) => (
    <div style={{ display: 'grid', gap: '0.5rem' }}>
      <ConnectionStatus status="reconnecting" />
      <ConnectionStatus status="disconnected" error={{ code: 'connection_lost', message: 'The connection to the room was lost.' }} onRetry={args.onRetry} />
    </div>
  ),
  args: { onRetry: fn() },
};
