/**
 * Drawing on a canvas with pointer events (finger, pen or mouse alike). The canvas keeps its
 * drawing buffer at the device's pixel ratio, so strokes stay sharp on a phone, and exports a PNG.
 */
export class SignaturePad {
  #canvas: HTMLCanvasElement | undefined;
  #last: { x: number; y: number } | undefined;
  #drawn = false;

  /** Whether anything was drawn since the last clear. */
  get drawn(): boolean {
    return this.#drawn;
  }

  /** Binds to a canvas (again after a re-render put a new one in place). */
  attach(canvas: HTMLCanvasElement | null | undefined): void {
    if (!canvas || canvas === this.#canvas) return;
    this.#canvas = canvas;
    this.#drawn = false;
    const ratio = globalThis.devicePixelRatio || 1;
    const box = canvas.getBoundingClientRect();
    canvas.width = Math.max(1, Math.round(box.width * ratio));
    canvas.height = Math.max(1, Math.round(box.height * ratio));
    const context = canvas.getContext('2d')!;
    context.scale(ratio, ratio);
    context.lineWidth = 2.5;
    context.lineCap = 'round';
    context.lineJoin = 'round';
    context.strokeStyle = '#111827';
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

  #point(event: PointerEvent) {
    const box = this.#canvas!.getBoundingClientRect();
    return { x: event.clientX - box.left, y: event.clientY - box.top };
  }

  #down = (event: PointerEvent) => {
    event.preventDefault();
    // Keeps the stroke when the finger leaves the canvas for a moment.
    this.#canvas!.setPointerCapture?.(event.pointerId);
    this.#last = this.#point(event);
  };

  #move = (event: PointerEvent) => {
    if (!this.#last) return;
    event.preventDefault();
    const next = this.#point(event);
    const context = this.#canvas!.getContext('2d')!;
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
