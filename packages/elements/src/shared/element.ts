import { LitElement, type PropertyDeclarations } from 'lit';
import type { ElementError } from './api.js';
import { CrewErrorEvent } from './events.js';
import { baseStyles } from './styles.js';
import { VERSION } from './version.js';

/**
 * What every crewkit element shares: where the API is, which organization, the language, the theme
 * and the version its registration compares. Subclasses add their credential and their own state.
 */
export class CrewElement extends LitElement {
  static readonly version = VERSION;

  static override styles = baseStyles;

  static override properties: PropertyDeclarations = {
    apiBase: { attribute: 'api-base' },
    org: {},
    locale: { reflect: true },
    theme: { reflect: true },
  };

  /** Where the API lives, e.g. `https://crewkit.example.com`. */
  declare apiBase: string | undefined;
  /** The organization id. */
  declare org: string | undefined;
  /** BCP 47 language tag; defaults to the browser's language. */
  declare locale: string | undefined;
  /** `light` (the default) or `dark`; `auto` follows the visitor's `prefers-color-scheme`. */
  declare theme: 'light' | 'dark' | 'auto' | undefined;

  /** Tells the host page about an error the element is showing. */
  protected reportError(error: ElementError): void {
    this.dispatchEvent(new CrewErrorEvent(error));
  }
}
