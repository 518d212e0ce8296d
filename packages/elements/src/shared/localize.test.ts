import { expect, fixture, html } from '@open-wc/testing';
import { LitElement } from 'lit';
import { LocalizeController } from './localize.js';

const en = { hello: (name: string) => `Hello ${name}` };
const de: typeof en = { hello: (name) => `Hallo ${name}` };

class LocalizedProbe extends LitElement {
  static override properties = { locale: {} };
  declare locale: string | undefined;
  readonly localize = new LocalizeController(this, { en, de });
  override render() {
    return html`${this.localize.t.hello('Bea')}`;
  }
}
customElements.define('crew-localized-probe', LocalizedProbe);

describe('LocalizeController', () => {
  it('takes the language from the locale attribute and matches a region to its language', async () => {
    const el = await fixture<LocalizedProbe>(
      html`<crew-localized-probe locale="de-AT"></crew-localized-probe>`,
    );
    expect(el.shadowRoot!.textContent).to.contain('Hallo Bea');
    expect(el.localize.lang).to.equal('de-AT');
  });

  it('falls back to English for a language it has no table for', async () => {
    const el = await fixture<LocalizedProbe>(html`<crew-localized-probe locale="ja"></crew-localized-probe>`);
    expect(el.shadowRoot!.textContent).to.contain('Hello Bea');
  });

  it('follows the browser language when no locale is set', async () => {
    const el = await fixture<LocalizedProbe>(html`<crew-localized-probe></crew-localized-probe>`);
    expect(el.localize.lang).to.equal(Intl.getCanonicalLocales(navigator.language)[0]);
  });

  it('re-renders when the locale changes', async () => {
    const el = await fixture<LocalizedProbe>(html`<crew-localized-probe locale="en"></crew-localized-probe>`);
    el.setAttribute('locale', 'de');
    await el.updateComplete;
    expect(el.shadowRoot!.textContent).to.contain('Hallo Bea');
  });

  it('formats money in minor units with the currency’s own decimals', async () => {
    const el = await fixture<LocalizedProbe>(
      html`<crew-localized-probe locale="de-DE"></crew-localized-probe>`,
    );
    // Intl puts a no-break space before the symbol.
    const money = (amountMinor: number, currency: string) =>
      el.localize.money({ amountMinor, currency }).replace(/\s/g, ' ');
    expect(money(14900, 'EUR')).to.equal('149,00 €');
    expect(money(14900, 'JPY')).to.equal('14.900 ¥');
  });

  it('shows an error by its code in the visitor’s language, never the server’s English title', async () => {
    const el = await fixture<LocalizedProbe>(html`<crew-localized-probe locale="de"></crew-localized-probe>`);
    expect(el.localize.error('slot_unavailable')).to.equal('Dieser Termin wurde leider gerade vergeben.');
  });
});
