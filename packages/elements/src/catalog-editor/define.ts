import { defineElement } from '../shared/register.js';
import { CrewCatalogEditor } from './catalog-editor.js';

export { CrewCatalogEditor };

defineElement('crew-catalog-editor', CrewCatalogEditor);

declare global {
  interface HTMLElementTagNameMap {
    'crew-catalog-editor': CrewCatalogEditor;
  }
}
