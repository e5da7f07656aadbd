import { fireEvent, render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { Composer } from '../composer.js';

describe('Composer', () => {
  it('sends on Enter and clears the box', async () => {
    const user = userEvent.setup();
    const onSend = vi.fn();
    render(<Composer onSend={onSend} />);
    const box = screen.getByRole('textbox', { name: 'Message' });
    await user.type(box, 'Hello, room{Enter}');
    expect(onSend).toHaveBeenCalledExactlyOnceWith({ text: 'Hello, room' });
    expect(box).toHaveProperty('value', '');
  });

  it('adds a line on Shift+Enter instead of sending', async () => {
    const user = userEvent.setup();
    const onSend = vi.fn();
    render(<Composer onSend={onSend} />);
    const box = screen.getByRole('textbox', { name: 'Message' });
    await user.type(box, 'one{Shift>}{Enter}{/Shift}two');
    expect(box).toHaveProperty('value', 'one\ntwo');
    expect(onSend).not.toHaveBeenCalled();
    await user.click(screen.getByRole('button', { name: 'Send' }));
    expect(onSend).toHaveBeenCalledExactlyOnceWith({ text: 'one\ntwo' });
    // Focus returns to the box so the next message can be typed straight away.
    expect(document.activeElement).toBe(box);
  });

  it('does not send the Enter that confirms an IME composition', () => {
    const onSend = vi.fn();
    render(<Composer onSend={onSend} defaultValue="にほんご" />);
    const box = screen.getByRole('textbox', { name: 'Message' });
    fireEvent.keyDown(box, { key: 'Enter', isComposing: true });
    fireEvent.keyDown(box, { key: 'Enter', keyCode: 229 });
    expect(onSend).not.toHaveBeenCalled();
    fireEvent.keyDown(box, { key: 'Enter' });
    expect(onSend).toHaveBeenCalledExactlyOnceWith({ text: 'にほんご' });
  });

  it('sends nothing when the box holds only spaces', async () => {
    const user = userEvent.setup();
    const onSend = vi.fn();
    render(<Composer onSend={onSend} />);
    await user.type(screen.getByRole('textbox'), '   {Enter}');
    expect(onSend).not.toHaveBeenCalled();
    expect(screen.getByRole('button', { name: 'Send' })).toHaveProperty('disabled', true);
  });

  it('reports typing as the user types', async () => {
    const user = userEvent.setup();
    const onTyping = vi.fn();
    render(<Composer onSend={() => {}} onTyping={onTyping} />);
    await user.type(screen.getByRole('textbox'), 'abc');
    expect(onTyping).toHaveBeenCalledTimes(3);
  });

  it('does not send while disabled, keeps the draft and says why', async () => {
    const user = userEvent.setup();
    const onSend = vi.fn();
    render(<Composer onSend={onSend} disabled disabledReason="You are offline." />);
    const box = screen.getByRole('textbox', { name: 'Message' });
    await user.type(box, 'still typing{Enter}');
    expect(onSend).not.toHaveBeenCalled();
    expect(box).toHaveProperty('value', 'still typing');
    expect(screen.getByRole('button', { name: 'Send' })).toHaveProperty('disabled', true);
    expect(screen.getByRole('button', { name: 'Attach a file' })).toHaveProperty('disabled', true);
    expect(screen.getByText('You are offline.')).toBeTruthy();
    expect(box.getAttribute('aria-describedby')).toBe(screen.getByText('You are offline.').id);
  });

  it('shows a picked file as a removable chip and sends it', async () => {
    const user = userEvent.setup();
    const onSend = vi.fn();
    const { container } = render(<Composer onSend={onSend} />);
    const input = container.querySelector<HTMLInputElement>('input[type=file]')!;
    const file = new File(['x'.repeat(2048)], 'plan.txt', { type: 'text/plain' });

    await user.upload(input, file);
    expect(screen.getByText('plan.txt')).toBeTruthy();
    expect(screen.getByText('2 KB')).toBeTruthy();

    await user.click(screen.getByRole('button', { name: 'Remove attachment plan.txt' }));
    expect(screen.queryByText('plan.txt')).toBeNull();

    await user.upload(input, file);
    await user.type(screen.getByRole('textbox'), 'see attached{Enter}');
    expect(onSend).toHaveBeenCalledExactlyOnceWith({ text: 'see attached', file });
    expect(screen.queryByText('plan.txt')).toBeNull();
  });

  it('sends a file without text', async () => {
    const user = userEvent.setup();
    const onSend = vi.fn();
    const { container } = render(<Composer onSend={onSend} />);
    const file = new File(['data'], 'photo.png', { type: 'image/png' });
    await user.upload(container.querySelector<HTMLInputElement>('input[type=file]')!, file);
    await user.click(screen.getByRole('button', { name: 'Send' }));
    expect(onSend).toHaveBeenCalledExactlyOnceWith({ text: '', file });
  });

  it('opens the file picker from the labelled button', async () => {
    const user = userEvent.setup();
    const { container } = render(<Composer onSend={() => {}} />);
    const input = container.querySelector<HTMLInputElement>('input[type=file]')!;
    const click = vi.spyOn(input, 'click');
    await user.click(screen.getByRole('button', { name: 'Attach a file' }));
    expect(click).toHaveBeenCalled();
  });

  it('has no attachment button when attachments are off', () => {
    render(<Composer onSend={() => {}} attachments={false} />);
    expect(screen.queryByRole('button', { name: 'Attach a file' })).toBeNull();
  });
});
