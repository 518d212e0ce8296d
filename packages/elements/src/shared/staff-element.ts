import { type Crewkit, resources } from '@crewkit/sdk';
import type { PropertyDeclarations, PropertyValues } from 'lit';
import { type ClientSettings, createElementClient, type ElementError, toElementError } from './api.js';
import { CrewElement } from './element.js';
import { staffStyles } from './styles.js';

const clientSettings = ['apiBase', 'org', 'accessToken', 'getAccessToken'] as const;

/**
 * An element for signed-in staff (ERP and admin pages): it calls the API as a user, with an access
 * token the host hands over. Whenever where to call or as whom changes — and when the element is
 * put back into a page — it builds a new client and calls `connect`, so a subclass only says what
 * to load. Until the host has handed over a credential (`access-token` or `getAccessToken`) it
 * calls nothing: a host page often signs in after adding the element, and every request sent before
 * would only be refused (a 401 and an error event each).
 */
export abstract class StaffElement<C = Crewkit> extends CrewElement {
  static override styles = [...CrewElement.styles, staffStyles];

  static override properties: PropertyDeclarations = {
    ...CrewElement.properties,
    accessToken: { attribute: 'access-token' },
    getAccessToken: { attribute: false },
  };

  /** A user's access token (`access-token`). */
  declare accessToken: string | undefined;
  /** Called before every request, so the host can hand over a fresh access token. */
  declare getAccessToken: (() => string | undefined | Promise<string | undefined>) | undefined;

  /** A client for the current settings is ready: load what the element shows. */
  protected abstract connect(client: C, orgId: string): void;
  /** The settings cannot make a client (a missing `org`, say): show why. */
  protected abstract connectFailed(error: ElementError): void;

  /**
   * The client to call with: every namespace of the SDK unless the element says which it calls
   * (then a page with that element alone carries only those). Throwing refuses the settings.
   */
  protected createClient(settings: ClientSettings): C {
    return createElementClient(settings, resources) as C;
  }

  /** The element's own settings whose change, like where and as whom, starts it afresh. */
  protected restartOn: readonly PropertyKey[] = [];

  override connectedCallback(): void {
    super.connectedCallback();
    // The first start waits for the first update, so properties a host sets right after adding the
    // element (such as getAccessToken) are in place before the first request.
    if (this.hasUpdated) this.#start();
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    super.willUpdate(changed);
    if (!this.hasUpdated || [...clientSettings, ...this.restartOn].some((name) => changed.has(name as never)))
      this.#start();
  }

  #start(): void {
    let client: C;
    try {
      client = this.createClient({
        apiBase: this.apiBase,
        org: this.org,
        accessToken: this.accessToken,
        getAccessToken: this.getAccessToken,
      });
    } catch (error) {
      this.connectFailed(toElementError(error));
      return;
    }
    if (!this.accessToken && !this.getAccessToken) return;
    this.connect(client, this.org!);
  }
}
