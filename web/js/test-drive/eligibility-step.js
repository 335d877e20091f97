// The eligibility step: who drives, the licence (a mainland number is checked offline with the GB 11643 check
// digit and gives the birth date; class, validity, first issue for the probation period), the escort riding
// along (the person signed in), fitness to drive, and — only after a separate, unticked consent — a photo of the
// licence. Each failing rule is shown at its field; "Record the refusal" keeps the reason codes on the drive,
// which syncs as a refusal. The full licence number never leaves this screen: the record keeps the masked
// number and "verified" (PIPL, domain.md §8.2); while the app is open it stays in memory (`typedLicences`), so an
// escort who leaves the step and comes back does not type it again.

import { deviceTime } from '../core/db.js';
import { h, mount } from '../core/dom.js';
import { localized, t } from '../core/i18n.js';
import { photoStrip } from '../core/photo-strip.js';
import {
  ageFromId, birthDateFromId, evaluate, LICENCE_CLASSES, maskLicence, upgradeIdNumber, validIdNumber, yearsBetween,
} from './eligibility.js';
import { conflictNotice, driveHead, field, showErrors } from './parts.js';
import { eligibilityDateErrors, localToday, reasonField, reasonLabel } from './rules.js';
import { keepPhoto, saveDraft, saveDrive, saveLicencePhoto } from './store.js';

/** The licence numbers typed since the app opened, by user and drive: in this page's memory only — never in
 *  IndexedDB, the draft or the outbox, gone with a reload — and forgotten once a refusal is recorded. */
const typedLicences = new Map();
const licenceKey = (session, ctx) => `${session.user.id}/${ctx.drive.id}`;

function checkbox(id, label, checked, testid) {
  const box = h('input', { type: 'checkbox', id, checked, 'data-testid': testid });
  return { box, wrap: h('label', { class: 'check-option', for: id }, box, h('span', {}, label)) };
}

/** A checkbox row with its own error line: {wrap, input, setError}. */
function checkField(c, name) {
  const line = h('p', { class: 'field-error', role: 'alert', 'data-testid': `error-${name}`, hidden: true });
  return {
    wrap: h('div', { class: 'field', 'data-field': name }, c.wrap, line),
    input: c.box,
    setError(textValue) {
      line.textContent = textValue || '';
      line.hidden = !textValue;
    },
  };
}

/** The form's values as the drive holds them, overlaid with what the draft kept (all but the licence number). */
function keptValues(ctx) {
  const { drive } = ctx;
  return {
    driver_is_customer: drive.driver_is_customer !== false, driver_name: drive.driver_name || drive.customer_name,
    mainland: drive.licence_document_type !== 'other', has_licence: drive.has_licence !== false,
    licence_class: drive.licence_class || 'C1', licence_valid_to: drive.licence_valid_to || '',
    licence_first_issued: drive.licence_first_issued || '', birth_date: '', impaired: false, other: false,
    refusal_note: drive.refusal_note || '', consent: false, photo: null, document_checked: false,
    ...(ctx.draft.eligibility || {}),
  };
}

/** The form's checkboxes, each kept (`watch`) under its value's name. */
function checkboxes(kept, watch) {
  const boxes = {
    self: checkbox('driver-self', t('The customer drives'), kept.driver_is_customer, 'driver-self'),
    hasLicence: checkbox('has-licence', t('The driver shows a driving licence'), kept.has_licence, 'has-licence'),
    mainland: checkbox('mainland', t('Mainland licence (the number is the ID number)'), kept.mainland, 'mainland'),
    checkedDoc: checkbox('document-checked', t('I have checked the licence document'), kept.document_checked,
      'document-checked'),
    impaired: checkbox('impaired', t('The driver appears unfit to drive (alcohol, drugs, illness)'), kept.impaired,
      'impaired'),
    other: checkbox('other-reason', t('Refuse for another reason'), kept.other, 'other-reason'),
  };
  [[boxes.self, 'driver_is_customer'], [boxes.hasLicence, 'has_licence'], [boxes.mainland, 'mainland'],
    [boxes.checkedDoc, 'document_checked'], [boxes.impaired, 'impaired'], [boxes.other, 'other']]
    .forEach(([c, name]) => watch(c.box, name));
  return boxes;
}

/** The form's fields ({name: field()}); every input but the licence number is kept (`watch`). */
function formFields(session, ctx, kept, watch, boxes) {
  const { drive } = ctx;
  const text = (name, props) => watch(h('input', { name, 'data-testid': `input-${name}`, autocomplete: 'off',
    ...props }), name);
  return {
    driver_name: field('driver_name', t('Driver name'), text('driver_name', { type: 'text', maxlength: 80,
      value: kept.driver_name })),
    has_licence: checkField(boxes.hasLicence, 'has_licence'),
    licence_number: field('licence_number', t('Licence number'), h('input', { type: 'text', name: 'licence_number',
      'data-testid': 'input-licence_number', maxlength: 18, autocomplete: 'off', spellcheck: 'false',
      class: 'licence-input', value: typedLicences.get(licenceKey(session, ctx)) || '',
      oninput: (event) => typedLicences.set(licenceKey(session, ctx), event.currentTarget.value) }),
    { hint: t('Checked on this tablet; only a masked number is kept.') }),
    licence_class: field('licence_class', t('Licence class (准驾车型)'), watch(h('select', { name: 'licence_class',
      'data-testid': 'input-licence_class' }, LICENCE_CLASSES.map((c) => h('option', { value: c,
      selected: c === kept.licence_class }, c))), 'licence_class'),
    { hint: t('This car needs %(class)s or a class that covers it.', { class: drive.vehicle_class }) }),
    licence_valid_to: field('licence_valid_to', t('Valid until'), text('licence_valid_to',
      { type: 'date', value: kept.licence_valid_to })),
    licence_first_issued: field('licence_first_issued', t('First issued (初次领证日期)'), text('licence_first_issued',
      { type: 'date', value: kept.licence_first_issued })),
    birth_date: field('birth_date', t('Birth date'), text('birth_date', { type: 'date', value: kept.birth_date })),
    escort: field('escort', t('Escort riding along'), h('output', { 'data-testid': 'escort-present' },
      session.user.role === 'escort'
        ? t('%(name)s (signed in)', { name: session.user.display_name || session.user.username })
        : t('No test-drive escort is signed in on this tablet'))),
    impaired: checkField(boxes.impaired, 'impaired'),
    vehicle: field('vehicle', t('Car'), h('output', {}, ctx.car ? `${ctx.car.description} · ${ctx.car.plate}` : '')),
    refusal_note: field('refusal_note', t('Note on the refusal'), watch(h('textarea', { name: 'refusal_note',
      'data-testid': 'input-refusal_note', maxlength: 500, rows: 2 }, kept.refusal_note), 'refusal_note')),
  };
}

/** Keep what follows from other answers in step as they change: the masked number, the birth date a valid
 *  mainland number gives, and which parts show. Returns the function that brings them up to date. */
function followAnswers({ boxes, fields }, drive, masked, licenceBlock) {
  const number = fields.licence_number.input;
  const sync = () => {
    const n = upgradeIdNumber(number.value.replace(/\s+/g, ''));
    masked.textContent = n ? t('Kept as %(masked)s', { masked: maskLicence(n) }) : '';
    // Only a valid number's birth date is shown: a mistyped one would show a wrong date as if it were checked.
    const birth = boxes.mainland.box.checked && validIdNumber(n, localToday()) ? birthDateFromId(n) : null;
    const birthInput = fields.birth_date.input;
    birthInput.readOnly = boxes.mainland.box.checked;
    if (boxes.mainland.box.checked) {
      birthInput.value = birth || '';
    }
    boxes.checkedDoc.wrap.hidden = boxes.mainland.box.checked;
    licenceBlock.hidden = !boxes.hasLicence.box.checked;
    fields.driver_name.input.readOnly = boxes.self.box.checked;
    if (boxes.self.box.checked) {
      fields.driver_name.input.value = drive.customer_name;
    }
    fields.refusal_note.wrap.hidden = !boxes.other.box.checked;
  };
  [number, boxes.mainland.box, boxes.hasLicence.box, boxes.self.box, boxes.other.box].forEach((el) => {
    el.addEventListener('input', sync);
    el.addEventListener('change', sync);
  });
  return sync;
}

/** The licence photo: only after its own consent (PIPL Art. 29), never ticked for the person. Returns
 *  {consent, area, draw, version}: the consent checkbox, where the camera and photo go, and the consent's version. */
function licencePhoto(session, ctx, kept, remember) {
  const photoConsent = (ctx.fleet.template && ctx.fleet.template.photo_consent) || {};
  const consent = checkbox('photo-consent', localized(photoConsent.text)
    || t('The driver separately consents to keeping a photo of the licence until the retention period ends.'),
  kept.consent, 'photo-consent');
  const area = h('div', { class: 'photo-area' });
  const draw = () => {
    if (!consent.box.checked) {
      mount(area);
      return;
    }
    const camera = h('input', { type: 'file', accept: 'image/*', capture: 'environment', class: 'visually-hidden',
      id: 'licence-photo', 'data-testid': 'licence-photo-input' });
    camera.addEventListener('change', async () => {
      if (camera.files && camera.files[0]) {
        kept.photo = await keepPhoto(session, camera.files[0]);
        await remember();
        draw();
      }
    });
    mount(area, kept.photo ? photoStrip(session, [kept.photo]) : null,
      h('label', { class: 'button secondary small-button', for: camera.id }, t('Photo of the licence')), camera);
  };
  consent.box.addEventListener('change', () => {
    kept.consent = consent.box.checked;
    if (!consent.box.checked) {
      kept.photo = null; // consent withdrawn: the photo is not kept
    }
    remember();
    draw();
  });
  return { consent, area, draw, version: photoConsent.version };
}

/** What the rules judge, read from the form: the licence, the driver's age, the escort, the car. */
function answers(session, ctx, { boxes, fields }, today) {
  const n = upgradeIdNumber(fields.licence_number.input.value.replace(/\s+/g, ''));
  const isMainland = boxes.mainland.box.checked;
  const birth = isMainland ? birthDateFromId(n) : fields.birth_date.input.value;
  return {
    has_licence: boxes.hasLicence.box.checked, licence_document_type: isMainland ? 'mainland_id' : 'other',
    licence_number: n, licence_verified: isMainland ? false : boxes.checkedDoc.box.checked,
    licence_class: fields.licence_class.input.value, vehicle_class: ctx.drive.vehicle_class,
    licence_valid_to: fields.licence_valid_to.input.value || null,
    licence_first_issued: fields.licence_first_issued.input.value || null,
    driver_age: isMainland ? ageFromId(n, today) : (birth ? yearsBetween(birth, today) : null),
    escort_present: session.user.role === 'escort', impaired: boxes.impaired.box.checked,
    vehicle_available: !ctx.car || ctx.car.status === 'available' || ctx.car.current_drive_id === ctx.drive.id,
    birth_date: birth,
  };
}

/** The test_drive fields the check sets from answers `v` and refusal `reasons` (never the licence number). */
function recordFields(drive, { boxes, fields }, v, reasons) {
  return {
    driver_name: fields.driver_name.input.value.trim() || drive.customer_name, driver_is_customer: boxes.self.box.checked,
    has_licence: v.has_licence, licence_document_type: v.licence_document_type,
    licence_masked: v.has_licence ? maskLicence(v.licence_number) : '',
    licence_verified: v.has_licence && (v.licence_document_type === 'mainland_id'
      ? Boolean(v.licence_number) && !reasons.includes('licence_number_invalid') : v.licence_verified),
    licence_class: v.has_licence ? v.licence_class : '', licence_valid_to: v.has_licence ? v.licence_valid_to : null,
    licence_first_issued: v.has_licence ? v.licence_first_issued : null, driver_age: v.driver_age,
    escort_present: v.escort_present, eligibility_reasons: reasons.filter((r) => r !== 'other'),
    checked_at: deviceTime(),
  };
}

/** What must be filled in before the rules can judge: {field: message}. */
function formErrors({ boxes, fields }, v, today) {
  const errors = v.has_licence ? eligibilityDateErrors({ ...v, needsBirthDate: v.licence_document_type === 'other' },
    today) : {};
  if (!fields.driver_name.input.value.trim()) {
    errors.driver_name = t('Required.');
  }
  if (v.has_licence && !v.licence_number && v.licence_document_type === 'mainland_id') {
    errors.licence_number = t('Required.');
  }
  if (boxes.other.box.checked && !fields.refusal_note.input.value.trim()) {
    errors.refusal_note = t('Say why the drive is refused.');
  }
  return errors;
}

/** The refusal reasons of answers `v` under the store's rules (and 'other' when chosen), each shown at its field. */
function judge(ctx, { boxes, fields }, v, today) {
  const reasons = evaluate(ctx.fleet.rules || {}, v, today);
  if (boxes.other.box.checked) {
    reasons.push('other');
    reasons.sort();
  }
  const shown = {};
  for (const code of reasons) {
    const at = reasonField(code);
    shown[at] = shown[at] ? `${shown[at]} ${reasonLabel(code)}` : reasonLabel(code);
  }
  showErrors(fields, shown);
  return reasons;
}

/** Show the refusal in `outcome`: its reasons and "Record the refusal", which keeps them on the drive. */
function showRefusal(outcome, session, ctx, form, v, reasons) {
  const id = ctx.drive.id;
  const record = h('button', { type: 'button', class: 'button danger', 'data-testid': 'record-refusal' },
    t('Record the refusal'));
  record.addEventListener('click', async () => {
    record.disabled = true;
    typedLicences.delete(licenceKey(session, ctx));
    await saveDrive(session, id, { ...recordFields(ctx.drive, form, v, reasons), outcome: 'refused',
      refusal_reasons: reasons,
      refusal_note: form.boxes.other.box.checked ? form.fields.refusal_note.input.value.trim() : '' });
    location.hash = `#/test-drive/${id}`;
  });
  mount(outcome, h('h2', {}, t('No test drive')),
    h('ul', { class: 'problem-fields' }, reasons.map((code) => h('li', { 'data-reason': code }, reasonLabel(code)))),
    h('p', { class: 'muted' }, t('Correct a field if it was mistyped, or record the refusal with its reasons.')),
    h('div', { class: 'actions' }, record));
  outcome.hidden = false;
  outcome.scrollIntoView({ block: 'center' });
}

/** "Check eligibility": the form's errors first, then the rules. An eligible driver goes on to the agreement
 *  (with the licence photo, when consented); a refusal is shown in `outcome` with its reasons. */
function checkButton(session, ctx, form, photo, kept, outcome) {
  const id = ctx.drive.id;
  const check = h('button', { type: 'button', class: 'button primary wide', 'data-testid': 'check-eligibility' },
    t('Check eligibility'));
  check.addEventListener('click', async () => {
    const today = localToday();
    const v = answers(session, ctx, form, today);
    outcome.hidden = true;
    if (showErrors(form.fields, formErrors(form, v, today))) {
      return;
    }
    const reasons = judge(ctx, form, v, today);
    if (reasons.length) {
      showRefusal(outcome, session, ctx, form, v, reasons);
      return;
    }
    await saveDrive(session, id, { ...recordFields(ctx.drive, form, v, reasons), outcome: 'pending',
      refusal_reasons: [] });
    if (photo.consent.box.checked && kept.photo) {
      await saveLicencePhoto(session, id, { photo: kept.photo, consentVersion: photo.version });
    }
    await saveDraft(session, id, { step: 'agreement' });
    location.hash = `#/test-drive/${id}/agreement`;
  });
  return check;
}

/** Draw the eligibility step of `ctx`. */
export function renderEligibility(view, { session, ctx }) {
  const id = ctx.drive.id;
  const kept = keptValues(ctx);
  // Kept in the draft so a reload keeps the form: every value but the licence number.
  const remember = () => saveDraft(session, id, { eligibility: { ...kept } });
  const watch = (el, name) => {
    el.addEventListener('change', () => {
      kept[name] = el.type === 'checkbox' ? el.checked : el.value;
      remember();
    });
    return el;
  };
  const boxes = checkboxes(kept, watch);
  const form = { boxes, fields: formFields(session, ctx, kept, watch, boxes) };
  const { fields } = form;
  const masked = h('p', { class: 'muted small', 'data-testid': 'licence-masked' });
  const licenceBlock = h('div', { class: 'licence-block' });
  const followed = followAnswers(form, ctx.drive, masked, licenceBlock);
  const photo = licencePhoto(session, ctx, kept, remember);
  const outcome = h('section', { class: 'card alert', 'data-testid': 'refusal', hidden: true });

  mount(licenceBlock, boxes.mainland.wrap, fields.licence_number.wrap, masked, boxes.checkedDoc.wrap,
    h('div', { class: 'field-grid' }, fields.licence_class.wrap, fields.licence_valid_to.wrap,
      fields.licence_first_issued.wrap, fields.birth_date.wrap));
  mount(view, h('div', { class: 'screen handover test-drive' },
    driveHead(ctx, 'eligibility'),
    conflictNotice(ctx),
    h('section', { class: 'card form-card' }, h('h2', {}, t('Driver')), boxes.self.wrap, fields.driver_name.wrap),
    h('section', { class: 'card form-card' }, h('h2', {}, t('Driving licence')), fields.has_licence.wrap, licenceBlock),
    h('section', { class: 'card form-card' }, h('h2', {}, t('Before the drive')),
      h('div', { class: 'field-grid' }, fields.escort.wrap, fields.vehicle.wrap), fields.impaired.wrap, boxes.other.wrap,
      fields.refusal_note.wrap),
    h('section', { class: 'card form-card' },
      h('h2', {}, t('Photo of the licence (optional)')),
      h('p', { class: 'muted small' },
        t('By default only "licence verified", the class, the expiry and a masked number are kept.')),
      photo.consent.wrap, photo.area),
    outcome,
    checkButton(session, ctx, form, photo, kept, outcome)));
  followed();
  photo.draw();
  return null;
}
