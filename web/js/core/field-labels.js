// What people call each synced entity and each of its fields, entity by entity (a trim's `name` is the trim's name,
// never a person's): the sync panel and every screen that shows a rejected change or a conflict name fields through
// here, never by their codes. The server has the same list in server/vocabularies/fields.py
// (tests/vocabularies/test_fields.py keeps the two complete and equal).

import { t } from './i18n.js';

const ENTITIES = {
  customer: () => t('Customer'),
  series: () => t('Series'),
  trim: () => t('Trim'),
  colour: () => t('Colour'),
  vehicle: () => t('Vehicle'),
  delivery: () => t('Delivery inspection'),
  follow_up: () => t('Follow-up'),
  needs_analysis: () => t('Needs analysis'),
  walkaround: () => t('Walk-around'),
  demo_car: () => t('Test-drive car'),
  test_drive: () => t('Test drive'),
  test_drive_log: () => t('Drive log'),
  licence_photo: () => t('Licence photo'),
};

const COMMON = {
  id: () => t('Record'),
  entity: () => t('Kind of record'),
  args: () => t('Change'),
  set: () => t('Changes'),
  base: () => t('Versions seen'),
  snapshot: () => t('Signed content'),
  signatures: () => t('Signatures'),
  contentHash: () => t('Content hash'),
  deviceTime: () => t('Device time'),
  eligibility: () => t('Eligibility'),
};

const FIELDS = {
  customer: {
    name: () => t('Name'),
    phone: () => t('Mobile'),
    grade: () => t('Grade'),
    source: () => t('Source'),
    owner_id: () => t('Consultant'),
    notes: () => t('Notes'),
  },
  series: {
    name: () => t('Series name'),
    brand: () => t('Brand'),
    sort_order: () => t('Sort order'),
  },
  trim: {
    series_id: () => t('Series'),
    name: () => t('Trim name'),
    model_year: () => t('Model year'),
    powertrain: () => t('Powertrain'),
    msrp_yuan: () => t('MSRP (yuan)'),
  },
  colour: {
    series_id: () => t('Series'),
    name: () => t('Colour name'),
    hex: () => t('Swatch'),
    extra_yuan: () => t('Paint premium (yuan)'),
  },
  vehicle: {
    vin: () => t('VIN'),
    trim_id: () => t('Trim'),
    colour_id: () => t('Colour'),
    stock_status: () => t('Stock status'),
    is_test_drive: () => t('Test-drive fleet'),
    odometer_km: () => t('Odometer (km)'),
    plate: () => t('Plate'),
  },
  delivery: {
    customer_id: () => t('Customer'),
    customer_name: () => t('Customer name'),
    vehicle_id: () => t('Vehicle'),
    vin: () => t('VIN'),
    vehicle_description: () => t('Vehicle description'),
    template_id: () => t('Checklist'),
    items: () => t('Inspection results'),
    accessories: () => t('Accessories'),
    documents: () => t('Documents handed over'),
    keys_count: () => t('Keys handed over'),
    odometer_km: () => t('Odometer (km)'),
    explained_maintenance: () => t('Maintenance and warranty explained'),
    explained_operation: () => t('Operation explained'),
    we_owe: () => t('Still owed to the customer'),
    consent_version: () => t('Confirmation text version'),
    consent_accepted: () => t("Customer's confirmation"),
    notes: () => t('Notes'),
  },
  follow_up: {
    customer_id: () => t('Customer'),
    owner_id: () => t('Consultant'),
    kind: () => t('Kind'),
    source_id: () => t('Delivery inspection'),
    due_date: () => t('Due date'),
    done_at: () => t('Followed up at'),
    result: () => t('Follow-up result'),
    notes: () => t('Notes'),
  },
  needs_analysis: {
    customer_id: () => t('Customer'),
    consultant_id: () => t('Consultant'),
    notes: () => t('Notes'),
    series_id: () => t('Model'),
    usage: () => t('Usage'),
    users: () => t('Who will drive it'),
    decision_maker: () => t('Decision maker'),
    budget_min: () => t('Budget from (10k yuan)'),
    budget_max: () => t('Budget up to (10k yuan)'),
    payment: () => t('Payment'),
    current_car: () => t('Current car'),
    trade_in: () => t('Trade in the current car'),
    competitors: () => t('Competitor models'),
    focus_topics: () => t('What matters most'),
    timeline: () => t('When to buy'),
    suggested_grade: () => t('Suggested grade'),
    grade: () => t('Confirmed grade'),
    answered_at: () => t('Asked at'),
  },
  walkaround: {
    customer_id: () => t('Customer'),
    consultant_id: () => t('Consultant'),
    notes: () => t('Notes'),
    presentation_id: () => t('Walk-around content'),
    needs_analysis_id: () => t('Needs analysis'),
    trim_id: () => t('Trim'),
    started_at: () => t('Start time'),
    finished_at: () => t('End time'),
    current_position: () => t('Position'),
    positions: () => t('Positions'),
    brochure_given: () => t('Brochure given'),
    test_drive_invited: () => t('Test drive offered'),
    status: () => t('Status'),
  },
  demo_car: {
    vehicle_id: () => t('Vehicle'),
    plate: () => t('Plate'),
    vin: () => t('VIN'),
    trim_id: () => t('Trim'),
    description: () => t('Description'),
    colour: () => t('Colour'),
    transmission: () => t('Transmission'),
    energy: () => t('Energy'),
    status: () => t('Status'),
    keys: () => t('Keys'),
    odometer_km: () => t('Odometer (km)'),
    current_drive_id: () => t('Drive in progress'),
    out_since: () => t('Out since'),
    out_by: () => t('Taken out by'),
    insurance_until: () => t('Insured until'),
    notes: () => t('Notes'),
  },
  test_drive: {
    customer_id: () => t('Customer'),
    consultant_id: () => t('Consultant'),
    notes: () => t('Notes'),
    customer_name: () => t('Customer name'),
    driver_is_customer: () => t('The customer drives'),
    driver_name: () => t('Driver name'),
    driver_phone: () => t("Driver's mobile"),
    escort_id: () => t('Escort'),
    demo_car_id: () => t('Test-drive car'),
    route_id: () => t('Route'),
    kind: () => t('Kind'),
    checked_at: () => t('Eligibility checked at'),
    has_licence: () => t('The driver shows a driving licence'),
    licence_document_type: () => t('Licence document'),
    licence_masked: () => t('Licence number'),
    licence_verified: () => t('Licence checked'),
    licence_class: () => t('Licence class (准驾车型)'),
    vehicle_class: () => t('Licence class the car needs'),
    licence_valid_to: () => t('Valid until'),
    licence_first_issued: () => t('First issued (初次领证日期)'),
    driver_age: () => t("Driver's age"),
    escort_present: () => t('Escort riding along'),
    eligibility_reasons: () => t('Eligibility'),
    outcome: () => t('Test drive outcome'),
    refusal_reasons: () => t('Refusal reasons'),
    refusal_note: () => t('Note on the refusal'),
    agreement_template_id: () => t('Agreement'),
    agreement_version: () => t('Agreement version'),
    agreement_accepted: () => t('Agreement accepted'),
  },
  test_drive_log: {
    test_drive_id: () => t('Test drive'),
    demo_car_id: () => t('Test-drive car'),
    route_id: () => t('Route'),
    start_at: () => t('Start of the drive'),
    start_odometer_km: () => t('Odometer at the start'),
    start_fuel_pct: () => t('Fuel at the start (%)'),
    start_charge_pct: () => t('Charge at the start (%)'),
    damage_before: () => t('Damage already on the car'),
    end_at: () => t('Returned at'),
    end_odometer_km: () => t('Odometer at return'),
    end_fuel_pct: () => t('Fuel at return (%)'),
    end_charge_pct: () => t('Charge at return (%)'),
    damage_after: () => t('Damage at return'),
    incidents: () => t('Incidents'),
    feedback: () => t('Feedback of the customer'),
    notes: () => t('Notes'),
  },
  licence_photo: {
    test_drive_id: () => t('Test drive'),
    photo: () => t('Photo of the licence'),
    consent: () => t('Separate consent to the photo'),
    consent_version: () => t('Consent text version'),
    taken_at: () => t('Photo taken at'),
  },
};

/** What people call `entity` (a record of it, when there is no name for it yet). */
export function entityLabel(entity) {
  return Object.hasOwn(ENTITIES, entity) ? ENTITIES[entity]() : t('A record');
}

/** The label of `field` of `entity`: a nested error's path (`items.A01`) is named by its field, the tombstone of an
 *  edit-vs-delete conflict is "Deleted", the protocol's own parts have names too, and anything else is
 *  "Another field" — never a code. */
export function fieldLabel(entity, field) {
  if (field === 'deleted') {
    return t('Deleted');
  }
  const head = String(field).split('.')[0];
  const label = (Object.hasOwn(FIELDS, entity) && Object.hasOwn(FIELDS[entity], head) && FIELDS[entity][head])
    || (Object.hasOwn(COMMON, head) && COMMON[head]);
  return label ? label() : t('Another field');
}
