// The test drive's form rules on the tablet, as pure functions over plain values (translations only): labels of
// refusal reasons and feedback items, field-level checks of the eligibility form and the drive log, and the
// distance warning. The server's schemas stay the judge; these give the person the message before a sync.

import { t } from '../core/i18n.js';
import { readNumber } from '../core/numbers.js';
import { farFromRoute, parseDate, REASON_FIELD } from './eligibility.js';

/** The message of a refusal reason (same English sources as server/workflow/eligibility.py). */
export function reasonLabel(code) {
  const labels = {
    no_licence: t('No driving licence: no test drive.'),
    licence_number_invalid: t('The licence number is not valid (check digit or birth date).'),
    class_not_covered: t('The licence class does not cover this car.'),
    licence_expired: t('The licence has expired.'),
    probation: t('The licence is still in its probation period (实习期).'),
    too_little_experience: t('Too little driving experience for this store.'),
    under_age: t('The driver is under the minimum age.'),
    no_escort: t('A test-drive escort of the store must ride along.'),
    impaired: t('The driver appears unfit to drive (alcohol, drugs, illness).'),
    not_signed: t('The customer refused to sign the agreement.'),
    vehicle_unavailable: t('The car is not available.'),
    other: t('Other reason (see the note).'),
  };
  return labels[code] || code;
}

/** The field of a reason (see eligibility.js). */
export const reasonField = (code) => REASON_FIELD[code] || 'licence_number';

/** Feedback items scored 1–5 (domain.md §3.4), in the order of the paper form. */
export const FEEDBACK_ITEMS = ['exterior', 'interior', 'space', 'power', 'braking', 'handling', 'comfort', 'nvh',
  'infotainment', 'assistance', 'economy', 'service'];

/** The label of a feedback item. */
export function feedbackLabel(code) {
  const labels = {
    exterior: t('Exterior'),
    interior: t('Interior quality'),
    space: t('Space'),
    power: t('Acceleration and power'),
    braking: t('Braking'),
    handling: t('Steering and handling'),
    comfort: t('Ride comfort'),
    nvh: t('Quietness (NVH)'),
    infotainment: t('Infotainment'),
    assistance: t('Driver assistance'),
    economy: t('Fuel economy or range'),
    service: t("Escort's explanation and service"),
    overall: t('Overall satisfaction'),
  };
  return labels[code] || code;
}

/** Purchase intention after the drive (domain.md §3.4). */
export const INTENTIONS = ['now', 'week', 'month', 'not_now'];

/** The label of a purchase intention. */
export function intentionLabel(code) {
  const labels = { now: t('Buy now'), week: t('Within a week'), month: t('Within a month'), not_now: t('Not for now') };
  return labels[code] || code;
}

/** Kinds of drive (试乘 / 试驾 / both), in the order they are offered. */
export const KINDS = ['ride', 'drive', 'ride_drive'];

/** The label of a kind of drive, never to be mistaken for another: in a 试乘 the customer rides as a passenger,
 *  in a 试驾 the customer drives (server/vocabularies/test_drive.py KIND_LABELS). */
export function kindLabel(code) {
  const labels = { ride: t('Ride along (passenger)'), drive: t('Drive (customer drives)'),
    ride_drive: t('Ride, then drive') };
  return labels[code] || code;
}

/** Who drives in a kind of drive, in a few words. */
export function kindHint(code) {
  const hints = { ride: t('The escort drives, the customer rides along.'),
    drive: t('The customer drives, the escort rides along.'),
    ride_drive: t('The escort drives first, then the customer.') };
  return hints[code] || '';
}

/** The label of a fleet car's status. */
export function fleetStatusLabel(code) {
  const labels = { available: t('Available'), out: t('Out on a drive'), maintenance: t('In maintenance'),
    retired: t('Retired') };
  return labels[code] || code;
}

/** Field errors of the eligibility form's dates (not refusals: the person must correct them first). */
export function eligibilityDateErrors(values, today) {
  const errors = {};
  const date = (field, { required = true } = {}) => {
    const text = values[field];
    if (!text) {
      if (required) {
        errors[field] = t('Required.');
      }
      return null;
    }
    if (!parseDate(text)) {
      errors[field] = t('Enter a date as YYYY-MM-DD.');
      return null;
    }
    return text;
  };
  const validTo = date('licence_valid_to');
  const firstIssued = date('licence_first_issued');
  const birth = date('birth_date', { required: values.needsBirthDate });
  if (firstIssued && firstIssued > today) {
    errors.licence_first_issued = t('The first-issued date cannot be in the future.');
  }
  if (birth && birth > today) {
    errors.birth_date = t('The birth date cannot be in the future.');
  }
  if (validTo && firstIssued && validTo <= firstIssued) {
    errors.licence_valid_to = t('The licence must be valid after the date it was first issued.');
  }
  if (birth && firstIssued && firstIssued <= birth) {
    errors.licence_first_issued = t('The licence cannot have been issued before the driver was born.');
  }
  return errors;
}

/** The gauges a car's energy asks for: ['fuel'], ['charge'] or both (plug-in hybrids). */
export function gauges(energy) {
  return { electric: ['charge'], plugin: ['fuel', 'charge'] }[energy] || ['fuel'];
}

function gaugeErrors(values, prefix, energy, errors) {
  for (const gauge of gauges(energy)) {
    const name = `${prefix}_${gauge}_pct`;
    const result = readNumber(values[name], { max: 100 });
    if (result.error) {
      errors[name] = result.error;
    }
  }
}

/** The car's last known reading: the fleet record's, or a higher one this tablet holds from another drive of that
 *  car (a start or a return, even one not sent yet); null when none is known. */
export function lastReading(car, logs, driveId) {
  const readings = car ? [car.odometer_km, ...logs.filter((l) => l.demo_car_id === car.id && l.test_drive_id !== driveId)
    .flatMap((l) => [l.start_odometer_km, l.end_odometer_km])] : [];
  const known = readings.filter(Number.isInteger);
  return known.length ? Math.max(...known) : null;
}

/** Field errors of the drive's start: odometer (not below the car's last reading `lastKm`) and fuel or charge. */
export function startErrors(values, energy, lastKm = null) {
  const errors = {};
  const odometer = readNumber(values.start_odometer_km, { max: 9_999_999 });
  if (odometer.error) {
    errors.start_odometer_km = odometer.error;
  } else if (lastKm !== null && odometer.value < lastKm) {
    errors.start_odometer_km = t("The odometer cannot be below the car's last reading (%(km)s km).", { km: lastKm });
  }
  gaugeErrors(values, 'start', energy, errors);
  return errors;
}

/** The start of the minute of an ISO time (a datetime-local field has no seconds). */
function minuteOf(iso) {
  const d = new Date(iso);
  d.setSeconds(0, 0);
  return d;
}

/** Field errors of the drive's end: odometer not below the start, fuel or charge, end time after the start. */
export function endErrors(values, log, energy) {
  const errors = {};
  const odometer = readNumber(values.end_odometer_km, { max: 9_999_999 });
  if (odometer.error) {
    errors.end_odometer_km = odometer.error;
  } else if (odometer.value < (log.start_odometer_km || 0)) {
    errors.end_odometer_km = t('The odometer cannot be below the start (%(start)s km).', { start: log.start_odometer_km });
  }
  gaugeErrors(values, 'end', energy, errors);
  if (!values.end_at) {
    errors.end_at = t('Required.');
  } else if (log.start_at && new Date(values.end_at) < minuteOf(log.start_at)) {
    errors.end_at = t('The drive cannot end before it started.');
  }
  return errors;
}

/** A warning (not an error) when the distance driven is far from the route's: null when close enough. */
export function distanceWarning(startKm, endKm, routeKm) {
  if (!farFromRoute(startKm, endKm, routeKm)) {
    return null;
  }
  return t('%(driven)s km driven, the route is %(route)s km. Check the odometer, or note why under incidents.',
    { driven: endKm - startKm, route: routeKm });
}

/** Field errors of the feedback form: the overall score is needed; every given score is 1–5. */
export function feedbackErrors(feedback) {
  const errors = {};
  for (const [code, score] of Object.entries(feedback.scores || {})) {
    if (!Number.isInteger(score) || score < 1 || score > 5) {
      errors[code] = t('Choose a score from 1 to 5.');
    }
  }
  if (!Number.isInteger(feedback.overall) || feedback.overall < 1 || feedback.overall > 5) {
    errors.overall = t('Choose an overall score from 1 to 5.');
  }
  return errors;
}

export { localToday } from '../core/format.js'; // the handover needs it too
