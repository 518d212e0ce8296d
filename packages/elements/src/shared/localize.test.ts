import { expect, fixture, html } from '@open-wc/testing';
import { LitElement } from 'lit';
import { es as appointmentListEs } from '../appointment-list/locales/es.js';
import { fr as appointmentListFr } from '../appointment-list/locales/fr.js';
import { es as ascoraConnectEs } from '../ascora-connect/locales/es.js';
import { fr as ascoraConnectFr } from '../ascora-connect/locales/fr.js';
import { es as ascoraCustomersEs } from '../ascora-customers/locales/es.js';
import { fr as ascoraCustomersFr } from '../ascora-customers/locales/fr.js';
import { es as ascoraJobsEs } from '../ascora-jobs/locales/es.js';
import { fr as ascoraJobsFr } from '../ascora-jobs/locales/fr.js';
import { es as ascoraSyncEs } from '../ascora-sync/locales/es.js';
import { fr as ascoraSyncFr } from '../ascora-sync/locales/fr.js';
import { es as bookingEs } from '../booking/locales/es.js';
import { fr as bookingFr } from '../booking/locales/fr.js';
import { es as catalogEditorEs } from '../catalog-editor/locales/es.js';
import { fr as catalogEditorFr } from '../catalog-editor/locales/fr.js';
import { loadAll } from '../crewkit.js';
import { es as dispatchBoardEs } from '../dispatch-board/locales/es.js';
import { fr as dispatchBoardFr } from '../dispatch-board/locales/fr.js';
import { es as invoicesEs } from '../invoices/locales/es.js';
import { fr as invoicesFr } from '../invoices/locales/fr.js';
import { es as jobSheetEs } from '../job-sheet/locales/es.js';
import { fr as jobSheetFr } from '../job-sheet/locales/fr.js';
import { es as notificationSettingsEs } from '../notification-settings/locales/es.js';
import { fr as notificationSettingsFr } from '../notification-settings/locales/fr.js';
import { es as technicianEditorEs } from '../technician-editor/locales/es.js';
import { fr as technicianEditorFr } from '../technician-editor/locales/fr.js';
import { es as webhooksEs } from '../webhooks/locales/es.js';
import { fr as webhooksFr } from '../webhooks/locales/fr.js';
import { es as commonEs } from './locales/es.js';
import { fr as commonFr } from './locales/fr.js';
import { LocalizeController, registerTranslation, supportedLanguages } from './localize.js';

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

  it('speaks French and Spanish in every element, words and error messages alike', async () => {
    await loadAll();
    expect(supportedLanguages).to.include.members(['en', 'de', 'fr', 'es']);
    const tables = {
      'crew-booking': { fr: bookingFr, es: bookingEs },
      'crew-appointment-list': { fr: appointmentListFr, es: appointmentListEs },
      'crew-ascora-connect': { fr: ascoraConnectFr, es: ascoraConnectEs },
      'crew-ascora-sync': { fr: ascoraSyncFr, es: ascoraSyncEs },
      'crew-ascora-customers': { fr: ascoraCustomersFr, es: ascoraCustomersEs },
      'crew-ascora-jobs': { fr: ascoraJobsFr, es: ascoraJobsEs },
      'crew-invoices': { fr: invoicesFr, es: invoicesEs },
      'crew-dispatch-board': { fr: dispatchBoardFr, es: dispatchBoardEs },
      'crew-catalog-editor': { fr: catalogEditorFr, es: catalogEditorEs },
      'crew-technician-editor': { fr: technicianEditorFr, es: technicianEditorEs },
      'crew-webhooks': { fr: webhooksFr, es: webhooksEs },
      'crew-job-sheet': { fr: jobSheetFr, es: jobSheetEs },
      'crew-notification-settings': { fr: notificationSettingsFr, es: notificationSettingsEs },
    };
    for (const [tag, languages] of Object.entries(tables)) {
      for (const [locale, table] of Object.entries(languages)) {
        const el = document.createElement(tag);
        el.setAttribute('locale', `${locale}-419`);
        const { localize } = el as unknown as { localize: LocalizeController<unknown> };
        expect(localize.t, `${tag} in ${locale}`).to.equal(table);
        expect(localize.common).to.equal(locale === 'fr' ? commonFr : commonEs);
      }
    }
  });

  it('takes a language a host page registers, keeps its own strings for the keys left out, and re-renders', async () => {
    const el = await fixture<LocalizedProbe>(html`<crew-localized-probe locale="it"></crew-localized-probe>`);
    expect(el.shadowRoot!.textContent).to.contain('Hello Bea');
    registerTranslation<typeof en>('crew-localized-probe', 'it', { hello: (name) => `Ciao ${name}` });
    await el.updateComplete;
    expect(el.shadowRoot!.textContent).to.contain('Ciao Bea');
  });

  it('lets a host page override one string of a language it has, and one error message', async () => {
    registerTranslation<typeof en>('crew-localized-probe', 'de', { hello: (name) => `Servus ${name}` });
    registerTranslation('common', 'de', { errors: { slot_unavailable: 'Schon weg.' } });
    const el = await fixture<LocalizedProbe>(
      html`<crew-localized-probe locale="de-AT"></crew-localized-probe>`,
    );
    expect(el.shadowRoot!.textContent).to.contain('Servus Bea');
    expect(el.localize.error('slot_unavailable')).to.equal('Schon weg.');
    // The rest of the group is untouched.
    expect(el.localize.error('rate_limited')).to.contain('Zu viele Versuche');
  });
});
