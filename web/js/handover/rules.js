// The handover's rules on the tablet, as pure functions (no storage, no DOM): which items apply to a vehicle,
// progress, what is still missing before signing, and the snapshot that gets signed. They mirror
// server/workflow/handover.py and server/schemas/delivery.py, which stay the judge.

import { t } from '../core/i18n.js';

/** The delivery's schema fields (DeliverySchema): exactly what a snapshot holds, never the META fields. */
export const DELIVERY_FIELDS = [
  'customer_id', 'customer_name', 'vehicle_id', 'vin', 'vehicle_description', 'template_id', 'items',
  'accessories', 'documents', 'keys_count', 'odometer_km', 'explained_maintenance', 'explained_operation',
  'we_owe', 'consent_version', 'consent_accepted', 'notes',
];

const DEFAULTS = {
  vehicle_description: '', items: {}, accessories: [], documents: [], keys_count: 0, odometer_km: 0,
  explained_maintenance: false, explained_operation: false, we_owe: [], consent_version: '',
  consent_accepted: false, notes: '',
};

/** Documents handed over (server/schemas/delivery.py HANDOVER_DOCUMENTS), in the order of the paper form. */
export const DOCUMENT_CODES = ['invoice', 'certificate', 'coc', 'warranty', 'maintenance_booklet', 'manual',
  'contract', 'settlement', 'insurance', 'purchase_tax', 'registration', 'loan'];

/** The label of a handover document code (the same English sources as the server's). */
export function documentLabel(code) {
  const labels = {
    invoice: t('Vehicle sales invoice'),
    certificate: t('Certificate of conformity (合格证)'),
    coc: t('CoC (一致性证书)'),
    warranty: t('Three-guarantees certificate (三包凭证)'),
    maintenance_booklet: t('Warranty and maintenance booklet'),
    manual: t("Owner's manual"),
    contract: t('Contract copy'),
    settlement: t('Settlement and receipts'),
    insurance: t('Insurance policies'),
    purchase_tax: t('Purchase tax proof'),
    registration: t('Driving permit and plates'),
    loan: t('Loan documents'),
  };
  return labels[code] || code;
}

/** The template's groups with only the items that apply to this powertrain ("when": {"powertrain": [...]}). */
export function applicableGroups(template, powertrain) {
  const applies = (item) => !item.when || !item.when.powertrain || item.when.powertrain.includes(powertrain);
  return (template.groups || []).map((group) => ({ ...group, items: group.items.filter(applies) }))
    .filter((group) => group.items.length);
}

/** {done, total} of answered items among `items` (template items); a ✗ waiting for its photo is not done. */
export function progress(items, answers) {
  const done = items.filter((item) => answers[item.code]).length;
  return { done, total: items.length };
}

/** "启程 S5 1.5T 两驱 舒适版 · 极地白": series, trim and colour as the customer reads them. */
export function vehicleDescription(series, trim, colour) {
  const model = [series && series.name, trim && trim.name].filter(Boolean).join(' ');
  return [model, colour && colour.name].filter(Boolean).join(' · ');
}

/** What still stands between this record and the signatures: {field: message}; empty when ready. */
export function missingBeforeSigning(delivery, groups, pendingDefects, consent) {
  const problems = {};
  const answers = delivery.items || {};
  const waiting = Object.keys(pendingDefects || {});
  if (waiting.length) {
    problems.photos = t('Take a photo of each defect: %(codes)s', { codes: waiting.sort().join(', ') });
  }
  const missing = groups.flatMap((g) => g.items).filter((item) => !answers[item.code] && !waiting.includes(item.code));
  if (missing.length) {
    problems.items = t('%(count)s items are not checked yet.', { count: missing.length });
  }
  if (!delivery.explained_maintenance) {
    problems.explained_maintenance = t('Explain maintenance and warranty before signing.');
  }
  if (!delivery.explained_operation) {
    problems.explained_operation = t("Explain the vehicle's operation before signing.");
  }
  if (!delivery.consent_accepted || delivery.consent_version !== (consent && consent.version)) {
    problems.consent_accepted = t('The customer must accept the confirmation text.');
  }
  return problems;
}

/** The snapshot to sign: exactly the schema fields, defaults filled, strings trimmed, numbers whole. */
export function buildSnapshot(delivery) {
  const snapshot = {};
  for (const field of DELIVERY_FIELDS) {
    const value = delivery[field];
    snapshot[field] = value === undefined || value === null ? structuredClone(DEFAULTS[field] ?? null) : value;
  }
  snapshot.items = Object.fromEntries(Object.entries(snapshot.items).sort().map(([code, answer]) => [code, {
    result: answer.result, note: (answer.note || '').trim(), photos: [...(answer.photos || [])],
  }]));
  snapshot.accessories = snapshot.accessories.map((a) => ({
    name: String(a.name || '').trim(), installed: Boolean(a.installed), photos: [...(a.photos || [])],
  }));
  snapshot.we_owe = snapshot.we_owe.map((w) => ({ text: String(w.text || '').trim(), due_date: w.due_date || null }));
  snapshot.documents = DOCUMENT_CODES.filter((code) => snapshot.documents.includes(code));
  // Numbers stay what the record holds (the details step saves only whole numbers): never coerced to 0 here.
  snapshot.notes = String(snapshot.notes || '').trim();
  return snapshot;
}

/** Numbers typed on the details step that are not numbers (kept in the draft, never saved): {field: message}. The
 *  record still holds the last good value, so signing now would sign something else than the screen showed. */
export function typedProblems(draft) {
  const typed = (draft && draft.typed) || {};
  return typed.odometer_km === undefined ? {}
    : { odometer_km: t('The odometer "%(text)s" is not a number: correct it under Items and documents.', { text: typed.odometer_km }) };
}
