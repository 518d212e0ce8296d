import type { components } from '@crewkit/sdk';
import type { JobSheet } from '../src/job-sheet/events.js';

type Part = components['schemas']['Part'];

export const visitId = '0190f3c4-4444-7000-8000-0000000000a1';

/** A picture as a data URL, standing in for the server's signed thumbnail links. */
export const pictureUrl = (fill: string, label: string) =>
  `data:image/svg+xml,${encodeURIComponent(
    `<svg xmlns="http://www.w3.org/2000/svg" width="160" height="160"><rect width="160" height="160" fill="${fill}"/><text x="80" y="88" font-size="18" text-anchor="middle" fill="#fff">${label}</text></svg>`,
  )}`;

const signatureUrl = `data:image/svg+xml,${encodeURIComponent(
  '<svg xmlns="http://www.w3.org/2000/svg" width="300" height="100"><path d="M10 70 C 40 10, 60 90, 90 40 S 150 80, 180 30 S 250 70, 290 40" stroke="#111827" stroke-width="3" fill="none"/></svg>',
)}`;

const aud = (amountMinor: number) => ({ amountMinor, currency: 'AUD' });

/** A scheduled visit with a two-line checklist and nothing recorded yet; tests and stories override fields. */
export function jobSheet(overrides: Partial<JobSheet> = {}): JobSheet {
  return {
    appointmentId: visitId,
    status: 'scheduled',
    labour: {
      travelMinutes: 0,
      workMinutes: 0,
      pausedMinutes: 0,
      derived: { travelMinutes: 0, workMinutes: 0, pausedMinutes: 0 },
      correction: null,
      runningSince: null,
      runningStatus: null,
    },
    notes: [],
    checklist: [
      { key: 'isolate', label: 'Water isolated', done: false, checkedBy: null, checkedAt: null },
      { key: 'test', label: 'Tested for leaks', done: false, checkedBy: null, checkedAt: null },
    ],
    attachments: [],
    signature: null,
    partsUsed: [],
    completion: {
      rules: { signatureRequired: true, minimumPhotos: 1, checklistComplete: true },
      missing: ['signature', 'photos', 'checklist'],
    },
    contentHash: 'a'.repeat(64),
    ...overrides,
  };
}

/** Work under way: 25 minutes' travel, 40 of work still running, a note, a photo, a part. */
export function sheetInProgress(overrides: Partial<JobSheet> = {}): JobSheet {
  return jobSheet({
    status: 'in_progress',
    labour: {
      travelMinutes: 25,
      workMinutes: 40,
      pausedMinutes: 5,
      derived: { travelMinutes: 25, workMinutes: 40, pausedMinutes: 5 },
      correction: null,
      runningSince: '2026-11-30T22:20:00.000Z',
      runningStatus: 'in_progress',
    },
    notes: [
      {
        id: '0190f3c4-6666-7000-8000-000000000001',
        authorKind: 'technician',
        author: 'user:tech',
        visibility: 'customer',
        body: 'Replaced the washer; the tap no longer drips.',
        createdAt: '2026-11-30T22:41:00.000Z',
      },
    ],
    checklist: [
      {
        key: 'isolate',
        label: 'Water isolated',
        done: true,
        checkedBy: 'user:tech',
        checkedAt: '2026-11-30T22:22:00.000Z',
      },
      { key: 'test', label: 'Tested for leaks', done: false, checkedBy: null, checkedAt: null },
    ],
    attachments: [
      {
        id: '0190f3c4-7777-7000-8000-000000000001',
        appointmentId: visitId,
        kind: 'photo',
        fileName: 'before.jpg',
        contentType: 'image/jpeg',
        sizeBytes: 182_000,
        sha256: 'b'.repeat(64),
        width: 2048,
        height: 1536,
        caption: null,
        uploadedBy: 'user:tech',
        createdAt: '2026-11-30T22:25:00.000Z',
        downloadUrl: pictureUrl('#2563eb', 'before'),
        thumbnailUrl: pictureUrl('#2563eb', 'before'),
        urlsExpireAt: '2026-11-30T23:25:00.000Z',
      },
    ],
    partsUsed: [
      {
        id: '0190f3c4-8888-7000-8000-000000000001',
        partId: '0190f3c4-9999-7000-8000-000000000001',
        sku: 'WSH-15',
        name: 'Washer 15 mm',
        quantity: 2,
        unitCost: aud(40),
        unitPrice: aud(150),
        taxCode: 'GST',
        createdAt: '2026-11-30T22:40:00.000Z',
        updatedAt: '2026-11-30T22:40:00.000Z',
      },
    ],
    completion: {
      rules: { signatureRequired: true, minimumPhotos: 1, checklistComplete: true },
      missing: ['signature', 'checklist'],
    },
    ...overrides,
  });
}

/** Completed and signed by drawing; the sheet changed afterwards (an office note). */
export function sheetCompleted(): JobSheet {
  const base = sheetInProgress();
  return {
    ...base,
    status: 'completed',
    labour: { ...base.labour, workMinutes: 55, runningSince: null, runningStatus: null },
    checklist: base.checklist.map((line) => ({ ...line, done: true, checkedBy: 'user:tech' })),
    signature: {
      signerName: 'Olivia Hart',
      method: 'drawn',
      signedAt: '2026-11-30T23:02:00.000Z',
      sheetHash: 'a'.repeat(64),
      sheetChangedSinceSigning: false,
      imageUrl: signatureUrl,
      capturedBy: 'user:tech',
    },
    completion: { rules: base.completion.rules, missing: [] },
  };
}

export const partsList: Part[] = [
  {
    id: '0190f3c4-9999-7000-8000-000000000001',
    sku: 'WSH-15',
    name: 'Washer 15 mm',
    unitCost: aud(40),
    unitPrice: aud(150),
    taxCode: 'GST',
    active: true,
    createdAt: '2026-11-01T00:00:00.000Z',
    updatedAt: '2026-11-01T00:00:00.000Z',
  },
  {
    id: '0190f3c4-9999-7000-8000-000000000002',
    sku: 'CART-35',
    name: 'Mixer cartridge 35 mm',
    unitCost: aud(1_800),
    unitPrice: aud(4_500),
    taxCode: 'GST',
    active: true,
    createdAt: '2026-11-01T00:00:00.000Z',
    updatedAt: '2026-11-01T00:00:00.000Z',
  },
];
