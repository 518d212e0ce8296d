import { defineElement } from '../shared/register.js';
import { CrewDispatchBoard } from './dispatch-board.js';

export * from './events.js';
export { CrewDispatchBoard };

defineElement('crew-dispatch-board', CrewDispatchBoard);

declare global {
  interface HTMLElementTagNameMap {
    'crew-dispatch-board': CrewDispatchBoard;
  }
}
