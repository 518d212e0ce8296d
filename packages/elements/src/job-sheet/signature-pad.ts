/**
 * Drawing on a canvas with pointer events (finger, pen or mouse alike). The drawing buffer follows
 * the canvas's size on screen at the device's pixel ratio, so strokes stay sharp on a phone, and
 * points are mapped through the current size, so a canvas resized after it was set up (a rotated
 * phone, an element shown after being hidden) still draws under the finger. Exports a PNG.
 */
export class SignaturePad {
  #canvas: HTMLCanvasElement | undefined;
  #last: { x: number; y: number } | undefined;
  #drawn = false;

  /** Binds to a canvas (again after a re-render put a new one in place). */
  attach(canvas: HTMLCanvasElement | null | undefined): void {
    if (!canvas || canvas === this.#canvas) return;
    this.#canvas = canvas;
    this.#drawn = false;
    this.#fit();
    canvas.addEventListener('pointerdown', this.#down);
    canvas.addEventListener('pointermove', this.#move);
    canvas.addEventListener('pointerup', this.#up);
    canvas.addEventListener('pointercancel', this.#up);
  }

  clear(): void {
    const canvas = this.#canvas;
    if (!canvas) return;
    canvas.getContext('2d')!.clearRect(0, 0, canvas.width, canvas.height);
    this.#drawn = false;
  }

  /** The drawing as base64 PNG (without the data-URL prefix), or undefined when nothing was drawn. */
  png(): string | undefined {
    if (!this.#drawn || !this.#canvas) return undefined;
    return this.#canvas.toDataURL('image/png').split(',')[1];
  }

  /** Sizes the drawing buffer to the canvas on screen (which clears it). */
  #fit(): void {
    const canvas = this.#canvas!;
    const ratio = globalThis.devicePixelRatio || 1;
    const box = canvas.getBoundingClientRect();
    canvas.width = Math.max(1, Math.round(box.width * ratio));
    canvas.height = Math.max(1, Math.round(box.height * ratio));
  }

  /** Where the pointer is, in the drawing buffer's pixels. */
  #point(event: PointerEvent) {
    const canvas = this.#canvas!;
    const box = canvas.getBoundingClientRect();
    return {
      x: ((event.clientX - box.left) * canvas.width) / Math.max(1, box.width),
      y: ((event.clientY - box.top) * canvas.height) / Math.max(1, box.height),
    };
  }

  #down = (event: PointerEvent) => {
    event.preventDefault();
    // Nothing to keep yet: match the buffer to the canvas as it is now.
    if (!this.#drawn) this.#fit();
    // Keeps the stroke when the finger leaves the canvas for a moment.
    this.#canvas!.setPointerCapture?.(event.pointerId);
    this.#last = this.#point(event);
  };

  #move = (event: PointerEvent) => {
    if (!this.#last) return;
    event.preventDefault();
    const canvas = this.#canvas!;
    const next = this.#point(event);
    const context = canvas.getContext('2d')!;
    context.lineWidth = 2.5 * (canvas.width / Math.max(1, canvas.getBoundingClientRect().width));
    context.lineCap = 'round';
    context.lineJoin = 'round';
    context.strokeStyle = '#111827';
    context.beginPath();
    context.moveTo(this.#last.x, this.#last.y);
    context.lineTo(next.x, next.y);
    context.stroke();
    this.#last = next;
    this.#drawn = true;
  };

  #up = () => {
    this.#last = undefined;
  };
}
