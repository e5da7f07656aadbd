/**
 * jsdom has no layout: scroll containers report 0 sizes and ignore scrollTop. This stub gives the
 * message list's viewport a fixed height, a scroll height equal to the virtualizer's sizer, and a
 * scrollTop that clamps and fires "scroll" like a browser, so scroll behaviour can be tested.
 */
const KEYS = ['clientHeight', 'clientWidth', 'scrollHeight', 'scrollTop', 'scrollTo'] as const;

export function stubListLayout({ height = 400, width = 600 } = {}): () => void {
  const proto = HTMLElement.prototype;
  const saved = KEYS.map((key) => [key, Object.getOwnPropertyDescriptor(proto, key)] as const);
  const tops = new WeakMap<Element, number>();
  const isViewport = (el: Element) => el.classList.contains('cv-message-list-viewport');
  const scrollHeight = (el: Element) => {
    const sizer = el.querySelector<HTMLElement>('.cv-message-list-sizer');
    return Math.max(height, sizer ? parseFloat(sizer.style.height) || 0 : 0);
  };

  Object.defineProperty(proto, 'clientHeight', {
    configurable: true,
    get(this: HTMLElement) {
      return isViewport(this) ? height : 0;
    },
  });
  Object.defineProperty(proto, 'clientWidth', {
    configurable: true,
    get(this: HTMLElement) {
      return isViewport(this) ? width : 0;
    },
  });
  Object.defineProperty(proto, 'scrollHeight', {
    configurable: true,
    get(this: HTMLElement) {
      return isViewport(this) ? scrollHeight(this) : 0;
    },
  });
  Object.defineProperty(proto, 'scrollTop', {
    configurable: true,
    get(this: HTMLElement) {
      return tops.get(this) ?? 0;
    },
    set(this: HTMLElement, value: number) {
      const max = isViewport(this) ? scrollHeight(this) - height : 0;
      tops.set(this, Math.min(Math.max(0, value), Math.max(0, max)));
    },
  });
  Object.defineProperty(proto, 'scrollTo', {
    configurable: true,
    writable: true,
    value(this: HTMLElement, options: ScrollToOptions) {
      this.scrollTop = options.top ?? this.scrollTop;
      this.dispatchEvent(new Event('scroll'));
    },
  });

  return () => {
    for (const [key, descriptor] of saved) {
      if (descriptor) Object.defineProperty(proto, key, descriptor);
      else delete (proto as unknown as Record<string, unknown>)[key];
    }
  };
}

/** What a user does with the wheel: move the view and let the page hear about it. */
export function scrollTo(element: HTMLElement, top: number): void {
  element.scrollTop = top;
  element.dispatchEvent(new Event('scroll'));
}
