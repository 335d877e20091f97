// The handover's rules on the tablet, as pure functions (no storage, no DOM): which items apply to a vehicle,
// progress, what is still missing before signing, and the snapshot that gets signed. They mirror
// server/workflow/handover.py and server/schemas/delivery.py, which stay the judge.

import { t } from '../core/i18n.js';

/** The delivery's schema fields (DeliverySchema) this tablet writes: what a snapshot holds, never the META fields.
 *  `documents` is not among them: the documents handed over are the checklist's items (group A), entered once. */
export const DELIVERY_FIELDS = [
  'customer_id', 'customer_name', 'vehicle_id', 'vin', 'vehicle_description', 'template_id', 'items',
  'accessories', 'keys_count', 'odometer_km', 'explained_maintenance', 'explained_operation',
  'we_owe', 'consent_version', 'consent_accepted', 'notes',
];

const DEFAULTS = {
  vehicle_description: '', items: {}, accessories: [], keys_count: 0, odometer_km: 0,
  explained_maintenance: false, explained_operation: false, we_owe: [], consent_version: '',
  consent_accepted: false, notes: '',
};

/** Item marks that say nothing more is needed, so the we-owe list cannot name the item (server: SETTLED). */
const SETTLED = ['ok', 'na'];

/** The old shape's second list of documents (server/schemas/delivery.py HANDOVER_DOCUMENTS), in the order of the
 *  paper form: still shown and signed for a record that holds one, never written any more. */
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

/** {done, total} of `items` (template items) answered or named on the we-owe list; a ✗ waiting for its photo is
 *  not done. */
export function progress(items, answers, weOwe) {
  const owed = owedCodes(weOwe);
  const done = items.filter((item) => answers[item.code] || owed.has(item.code)).length;
  return { done, total: items.length };
}

const entries = (weOwe) => (Array.isArray(weOwe) ? weOwe : []).map((entry, n) => [n, entry])
  .filter(([, entry]) => entry && typeof entry === 'object');
const resultOf = (items, code) => {
  const answer = (items || {})[code];
  return answer && typeof answer === 'object' && answer.result ? answer.result : null;
};
const codeOf = (entry) => (typeof entry.item_code === 'string' && entry.item_code ? entry.item_code : null);

/** The checklist item codes the we-owe list names (server: handover_rules.owed_codes). */
export function owedCodes(weOwe) {
  return new Set(entries(weOwe).map(([, entry]) => codeOf(entry)).filter(Boolean));
}

/** Each we-owe entry naming an item marked ✓ or N.A.: {item, result, we_owe: index}, in the list's order
 *  (server: handover_rules.contradictions; both pass tests/fixtures/handover_cases.json). */
export function contradictions(items, weOwe) {
  return entries(weOwe).filter(([, entry]) => codeOf(entry) && SETTLED.includes(resultOf(items, codeOf(entry))))
    .map(([n, entry]) => ({ item: codeOf(entry), result: resultOf(items, codeOf(entry)), we_owe: n }));
}

/** The `codes` (checklist order) with neither a mark nor an entry on the we-owe list. */
export function unanswered(codes, items, weOwe) {
  const owed = owedCodes(weOwe);
  return codes.filter((code) => !resultOf(items, code) && !owed.has(code));
}

/** Indices of the we-owe entries due before `day` ('YYYY-MM-DD'); no date is never past. */
export function pastDue(weOwe, day) {
  return entries(weOwe).filter(([, entry]) => typeof entry.due_date === 'string' && entry.due_date < day)
    .map(([n]) => n);
}

/** The applicable item a we-owe text most likely concerns ("原厂脚垫下周补交" → B07 脚垫 / 后备箱垫), by the longest
 *  phrase of an item's label (Chinese or English; what follows a colon lists topics, not things, and is left out)
 *  found in the text; null when none is. A suggestion the person sees and may change, never applied silently. */
export function suggestItem(text, groups) {
  const wanted = String(text || '').toLowerCase();
  let best = null;
  let length = 0;
  for (const item of groups.flatMap((g) => g.items)) {
    const phrases = Object.values(item.label || {}).flatMap((label) => String(label).toLowerCase().split(/[：:]/)[0]
      .split(/[/、，,；;（）()]+|\s+and\s+|\s+or\s+|及|或/)).map((p) => p.trim())
      .filter((p) => p.length >= (/[\u4e00-\u9fff]/.test(p) ? 2 : 4) && !/^(if |如)/.test(p));
    for (const phrase of phrases) {
      if (phrase.length > length && wanted.includes(phrase)) {
        best = item.code;
        length = phrase.length;
      }
    }
  }
  return best;
}

/** "启程 S5 1.5T 两驱 舒适版 · 极地白": series, trim and colour as the customer reads them. */
export function vehicleDescription(series, trim, colour) {
  const model = [series && series.name, trim && trim.name].filter(Boolean).join(' ');
  return [model, colour && colour.name].filter(Boolean).join(' · ');
}

/** What still stands between this record and the signatures on `today` ('YYYY-MM-DD'): {field: message}; empty
 *  when ready. */
export function missingBeforeSigning(delivery, groups, pendingDefects, consent, today) {
  const problems = {};
  const waiting = Object.keys(pendingDefects || {});
  if (waiting.length) {
    problems.photos = t('Take a photo of each defect: %(codes)s', { codes: waiting.sort().join(', ') });
  }
  const codes = groups.flatMap((g) => g.items).map((item) => item.code).filter((code) => !waiting.includes(code));
  const missing = unanswered(codes, delivery.items, delivery.we_owe);
  const clashes = contradictions(delivery.items, delivery.we_owe);
  if (clashes.length) {
    const codes = clashes.map((c) => c.item).join(', ');
    problems.contradictions = t('The checklist and the we-owe list disagree on %(codes)s: resolve it at the top.', { codes });
  }
  const late = pastDue(delivery.we_owe, today);
  if (late.length) {
    problems.we_owe = t('Due before today: %(items)s. Remove it and add it again with today or a later day.', {
      items: late.map((n) => delivery.we_owe[n].text).join('、') });
  }
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
  snapshot.we_owe = snapshot.we_owe.map((w) => ({ text: String(w.text || '').trim(), due_date: w.due_date || null,
    ...(w.item_code ? { item_code: w.item_code } : {}) }));
  // A record started before the documents became checklist items only keeps its list (and so its shape).
  const legacy = Array.isArray(delivery.documents) ? DOCUMENT_CODES.filter((c) => delivery.documents.includes(c)) : [];
  if (legacy.length) {
    snapshot.documents = legacy;
  }
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
