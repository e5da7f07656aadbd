import type { Meta, StoryObj } from '@storybook/react-vite';
import { expect, fn, userEvent, within } from 'storybook/test';
import { Composer } from '../packages/react/src/components/composer.js';
import { sampleFile } from './fixtures.js';

const meta = {
  title: 'Chat/Composer',
  component: Composer,
  args: { onSend: fn(), onTyping: fn() },
} satisfies Meta<typeof Composer>;

export default meta;
type Story = StoryObj<typeof meta>;

/** Enter sends and clears; Shift+Enter adds a line. */
export const Empty: Story = {
  play: async ({ canvasElement, args }) => {
    const canvas = within(canvasElement);
    const box = canvas.getByRole('textbox', { name: 'Message' });
    await userEvent.type(box, 'First line{Shift>}{Enter}{/Shift}second line');
    await expect(box).toHaveValue('First line\nsecond line');
    await userEvent.keyboard('{Enter}');
    await expect(args.onSend).toHaveBeenCalledWith({ text: 'First line\nsecond line' });
    await expect(args.onTyping).toHaveBeenCalled();
    await expect(box).toHaveValue('');
  },
};

export const WithDraft: Story = { args: { defaultValue: 'A draft that was here before a reload' } };

export const WithAttachment: Story = {
  play: async ({ canvasElement, args }) => {
    const canvas = within(canvasElement);
    const input = canvasElement.querySelector<HTMLInputElement>('input[type=file]')!;
    await userEvent.upload(input, sampleFile());
    await expect(canvas.getByText('notes.txt')).toBeVisible();
    await userEvent.click(canvas.getByRole('button', { name: 'Send' }));
    await expect(args.onSend).toHaveBeenCalledWith(expect.objectContaining({ text: '' }));
    await expect(canvas.queryByText('notes.txt')).toBeNull();
  },
};

/** Disconnected: the draft stays editable, but nothing sends; the reason is shown and read. */
export const Disconnected: Story = {
  args: { disabled: true, disabledReason: 'You are offline. Messages can be sent again once the connection is back.', defaultValue: 'Typed before the drop' },
  play: async ({ canvasElement, args }) => {
    const canvas = within(canvasElement);
    await expect(canvas.getByRole('button', { name: 'Send' })).toBeDisabled();
    await userEvent.type(canvas.getByRole('textbox'), '{Enter}');
    await expect(args.onSend).not.toHaveBeenCalled();
  },
};

export const WithoutAttachments: Story = { args: { attachments: false } };

export const RightToLeft: Story = { parameters: { dir: 'rtl' }, args: { placeholder: 'اكتب رسالة…', label: 'رسالة', sendLabel: 'إرسال' } };

export const DarkTheme: Story = { parameters: { theme: 'dark' }, args: { defaultValue: 'Dark mode draft' } };
