// @vitest-environment jsdom
import { act, cleanup, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';

let token: string | null = 'token-of-deployer';
vi.mock('../../auth/session', () => ({ currentToken: () => token }));
const { forgetPanels, useRemembered } = await import('./memory');

let set: (v: string) => void = () => {};
function Probe({ name }: { name: string }) {
  const [value, setValue] = useRemembered(name, 'initial');
  set = setValue;
  return <div data-testid="value">{value}</div>;
}

afterEach(() => {
  cleanup();
  forgetPanels();
});

describe('remembered panel state', () => {
  it('survives unmounting, per key, and starts over for another key', () => {
    render(<Probe name="overlay.timing.XK1" />);
    act(() => set('figures of XK1'));
    cleanup();
    render(<Probe name="overlay.timing.XK1" />);
    expect(screen.getByTestId('value').textContent).toBe('figures of XK1');
    cleanup();
    const second = render(<Probe name="overlay.timing.XK2" />);
    expect(screen.getByTestId('value').textContent).toBe('initial');
    second.rerender(<Probe name="overlay.timing.XK1" />);
    expect(screen.getByTestId('value').textContent).toBe('figures of XK1');
  });

  it('is kept per sign-in: the next user in the same tab does not see the last one\'s figures', () => {
    render(<Probe name="overlay.timing.XK1" />);
    act(() => set('deployer department only'));
    cleanup();
    token = 'token-of-supervisor';
    render(<Probe name="overlay.timing.XK1" />);
    expect(screen.getByTestId('value').textContent).toBe('initial');
  });
});
