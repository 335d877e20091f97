// The test drive's records as the server's schemas publish them (contract: README "Test drives"): the fields a
// tablet may set, their defaults, and the snapshots that get signed. Pure; the server recomputes the hash of
// exactly these snapshots, so a field added to a schema must be added here.
//
//   test_drive      eligibility + agreement, signed by customer and escort (a refusal is never signed)
//   test_drive_log  start, return, feedback; created by the `test_drive.start` mutator, ended by
//                   `test_drive.return`, signed by the escort (and the customer)

/** test_drive fields (TestDriveSchema) with their defaults: a snapshot holds exactly these. */
export const DRIVE_DEFAULTS = {
  customer_id: null, customer_name: '', driver_is_customer: true, driver_name: '', driver_phone: '',
  consultant_id: null, escort_id: null, demo_car_id: null, route_id: null, kind: 'ride_drive', checked_at: null,
  has_licence: true, licence_document_type: 'mainland_id', licence_masked: '', licence_verified: false,
  licence_class: '', vehicle_class: 'C2', licence_valid_to: null, licence_first_issued: null, driver_age: null,
  escort_present: false, eligibility_reasons: [], outcome: 'pending', refusal_reasons: [], refusal_note: '',
  agreement_template_id: null, agreement_version: null, agreement_accepted: false, notes: '',
};

/** test_drive_log fields (TestDriveLogSchema) with their defaults. */
export const LOG_DEFAULTS = {
  test_drive_id: null, demo_car_id: null, route_id: null, start_at: null, start_odometer_km: null,
  start_fuel_pct: null, start_charge_pct: null, damage_before: [], end_at: null, end_odometer_km: null,
  end_fuel_pct: null, end_charge_pct: null, damage_after: [], incidents: '', feedback: {}, notes: '',
};

export const DRIVE_FIELDS = Object.keys(DRIVE_DEFAULTS);
export const LOG_FIELDS = Object.keys(LOG_DEFAULTS);

/** Fields the `test_drive.start` mutator sets. */
export const START_FIELDS = ['test_drive_id', 'demo_car_id', 'route_id', 'start_at', 'start_odometer_km',
  'start_fuel_pct', 'start_charge_pct', 'damage_before'];

/** Fields the `test_drive.return` mutator sets. */
export const RETURN_FIELDS = ['end_at', 'end_odometer_km', 'end_fuel_pct', 'end_charge_pct', 'damage_after',
  'incidents', 'feedback'];

const TRIMMED = ['customer_name', 'driver_name', 'driver_phone', 'refusal_note', 'notes', 'incidents'];

function snapshotOf(record, defaults) {
  const snapshot = {};
  for (const [field, fallback] of Object.entries(defaults)) {
    const value = record ? record[field] : undefined;
    snapshot[field] = value === undefined || value === null ? structuredClone(fallback) : structuredClone(value);
    if (TRIMMED.includes(field)) {
      snapshot[field] = String(snapshot[field] || '').trim();
    }
  }
  return snapshot;
}

/** The test_drive snapshot to sign: exactly the schema fields, defaults filled, strings trimmed. */
export const driveSnapshot = (drive) => snapshotOf(drive, DRIVE_DEFAULTS);

/** The test_drive_log snapshot to sign. */
export const logSnapshot = (log) => snapshotOf(log, LOG_DEFAULTS);

/** A log with every field present (screens read these without guarding each one). */
export const logWithDefaults = (log) => ({ ...snapshotOf(log, LOG_DEFAULTS), ...(log || {}) });

/** Where a drive is: 'eligibility', 'agreement', 'start', 'return', 'feedback', 'sealed' or 'refused'. */
export function stepOf(drive, log, { agreementSealed, logSealed }) {
  if (logSealed) {
    return 'sealed';
  }
  if (drive.outcome === 'refused') {
    return 'refused';
  }
  const checked = drive.checked_at && drive.licence_verified && !(drive.eligibility_reasons || []).length;
  if (drive.outcome !== 'agreed' && !agreementSealed && !checked) {
    return 'eligibility';
  }
  if (!agreementSealed) {
    return 'agreement';
  }
  if (!log || !log.start_at) {
    return 'start';
  }
  return log.end_at ? 'feedback' : 'return';
}

/** The steps in order (for "no step before its time"). */
export const STEP_ORDER = ['eligibility', 'agreement', 'start', 'return', 'feedback'];

/** Whether `wanted` may be shown when the drive has reached `reached` (never past it). */
export function stepAllowed(wanted, reached) {
  const at = STEP_ORDER.indexOf(reached);
  const want = STEP_ORDER.indexOf(wanted);
  if (want < 0 || at < 0) {
    return false;
  }
  if (at >= STEP_ORDER.indexOf('start')) {
    // Once the agreement is sealed, eligibility and agreement are read-only history: only later steps.
    return want >= STEP_ORDER.indexOf('start') && want <= at;
  }
  return want <= at;
}
