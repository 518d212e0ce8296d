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
