// Every element, registered: the entry of the one-file bundle (`dist/crewkit.js`). Each element adds
// its `define.ts` here.
import './booking/define.js';
import './appointment-list/define.js';
import './ascora-connect/define.js';
import './ascora-sync/define.js';
import './ascora-customers/define.js';
import './ascora-jobs/define.js';
import './invoices/define.js';
import './webhooks/define.js';
import './notification-settings/define.js';
import './dispatch-board/define.js';
import './catalog-editor/define.js';
import './technician-editor/define.js';
import './job-sheet/define.js';

export * from './index.js';
