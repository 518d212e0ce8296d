/** The next `type` event from `target`, typed through `GlobalEventHandlersEventMap` (oneEvent is untyped). */
export function nextEvent<K extends keyof GlobalEventHandlersEventMap>(
  target: EventTarget,
  type: K,
): Promise<GlobalEventHandlersEventMap[K]> {
  return new Promise((resolve) =>
    target.addEventListener(type, (event) => resolve(event as GlobalEventHandlersEventMap[K]), {
      once: true,
    }),
  );
}

/**
 * Records each request the page hands to fetch at the moment it is handed over (msw sees it only
 * after a round trip through its service worker). Install it before the element makes its client.
 */
export function spyOnFetch() {
  const real = window.fetch;
  const sent: Request[] = [];
  window.fetch = (input, init) => {
    const request = new Request(input, init);
    sent.push(request);
    return real(request);
  };
  return { sent, restore: () => (window.fetch = real) };
}

/**
 * Resolves after every promise chain already started has run to its end or to a timer: one task
 * later. Enough to see what an action sends, since nothing between an element and fetch waits on
 * a timer — so "nothing was sent" is proved without waiting for time to pass.
 */
export const nextTask = () => new Promise<void>((resolve) => setTimeout(resolve, 0));
