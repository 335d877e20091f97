// Who may drive a test car, as pure functions (no storage, no DOM, no translations): the GB 11643 check of a
// mainland licence number (it is the citizen ID number, domain.md §8.3), whether a licence class covers the
// car, expiry, probation (实习期), minimum age and the escort's presence. It mirrors
// server/workflow/eligibility.py, which stays the judge; both are tested against the same vectors
// (tests/fixtures/eligibility_cases.json).

const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK = '10X98765432';

/** Every reason code (server/workflow/eligibility.py); `other` is only ever chosen by the escort. */
export const REASONS = ['class_not_covered', 'impaired', 'licence_expired', 'licence_number_invalid', 'no_escort',
  'no_licence', 'not_signed', 'other', 'probation', 'too_little_experience', 'under_age', 'vehicle_unavailable'];

/** The form field each reason belongs to (where its message is shown). */
export const REASON_FIELD = {
  no_licence: 'has_licence',
  licence_number_invalid: 'licence_number',
  class_not_covered: 'licence_class',
  licence_expired: 'licence_valid_to',
  probation: 'licence_first_issued',
  too_little_experience: 'licence_first_issued',
  under_age: 'birth_date',
  no_escort: 'escort',
  impaired: 'impaired',
  not_signed: 'agreement',
  vehicle_unavailable: 'vehicle',
  other: 'refusal_note',
};

/** Which vehicle classes a licence class allows (准驾车型: a higher class includes lower ones); a store's
 *  drive_rules.class_coverage replaces it. */
export const DEFAULT_COVERAGE = {
  A1: ['A1', 'A3', 'B1', 'B2', 'C1', 'C2', 'C3', 'C4', 'M'],
  A2: ['A2', 'B1', 'B2', 'C1', 'C2', 'C3', 'C4', 'M'],
  A3: ['A3', 'C1', 'C2', 'C3', 'C4'],
  B1: ['B1', 'C1', 'C2', 'C3', 'C4', 'M'],
  B2: ['B2', 'C1', 'C2', 'C3', 'C4', 'M'],
  C1: ['C1', 'C2', 'C3', 'C4'],
  C2: ['C2'],
  C3: ['C3', 'C4'],
  C4: ['C4'],
  C5: ['C5'],
  C6: ['C6'],
};

/** Default per-store rules (drive_rules); a store's synced record overrides each of them. */
export const DEFAULT_RULES = { min_age: 18, refuse_probation: true, probation_months: 12, min_experience_years: 0,
  escort_required: true, class_coverage: DEFAULT_COVERAGE };

/** The licence classes a person can pick, most common first. */
export const LICENCE_CLASSES = ['C1', 'C2', 'A1', 'A2', 'A3', 'B1', 'B2', 'C3', 'C4', 'C5', 'C6', 'D', 'E', 'F', 'M', 'N',
  'P'];

/** A 'YYYY-MM-DD' string as a {y, m, d} calendar date, or null when it is not a real date. */
export function parseDate(text) {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(String(text || ''));
  if (!match) {
    return null;
  }
  const [y, m, d] = match.slice(1).map(Number);
  const date = new Date(Date.UTC(y, m - 1, d));
  if (y < 1 || date.getUTCFullYear() !== y || date.getUTCMonth() !== m - 1 || date.getUTCDate() !== d) {
    return null;
  }
  return { y, m, d };
}

const iso = ({ y, m, d }) => `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;

/** An ID number as written on the card: outer spaces trimmed, a lower-case x made X (inner spaces are kept,
 *  and make it invalid, as on the server; the form removes them before checking). */
export function normaliseIdNumber(text) {
  return String(text ?? '').trim().toUpperCase();
}

/** The GB 11643 check character of the first 17 digits (ISO 7064 MOD 11-2). */
export function checkCharacter(first17) {
  let sum = 0;
  for (let i = 0; i < 17; i += 1) {
    sum += Number(first17[i]) * WEIGHTS[i];
  }
  return CHECK[sum % 11];
}

/** The birth date ('YYYY-MM-DD') an 18-character ID number encodes, or null when it is not a real date. */
export function birthDateFromId(number) {
  const n = normaliseIdNumber(number);
  if (!/^\d{17}[\dX]$/.test(n)) {
    return null;
  }
  const date = parseDate(`${n.slice(6, 10)}-${n.slice(10, 12)}-${n.slice(12, 14)}`);
  return date ? iso(date) : null;
}

/** Whether `number` is a valid citizen ID number on `today` ('YYYY-MM-DD'): 18 characters (or a legacy 15-digit
 *  one), a real birth date from 1850 and not after today, and the check character. */
export function validIdNumber(number, today) {
  const n = upgradeIdNumber(number);
  if (!/^\d{17}[\dX]$/.test(n)) {
    return false;
  }
  const birth = birthDateFromId(n);
  if (!birth || birth < '1850-01-01' || (today && birth > today)) {
    return false;
  }
  return checkCharacter(n) === n[17];
}

/** Whether licence class `held` allows driving a car that needs class `needed` under `coverage`. */
export function classCovers(coverage, held, needed) {
  const allowed = (coverage || DEFAULT_COVERAGE)[held];
  return Boolean(held) && Boolean(needed) && Array.isArray(allowed) && allowed.includes(needed);
}

/** Whole years between two 'YYYY-MM-DD' dates (a birthday counts on its day; 29 February on 1 March). */
export function yearsBetween(from, to) {
  const a = parseDate(from);
  const b = parseDate(to);
  if (!a || !b) {
    return null;
  }
  let years = b.y - a.y;
  if (b.m < a.m || (b.m === a.m && b.d < a.d)) {
    years -= 1;
  }
  return years;
}

/** 'YYYY-MM-DD' plus `months` calendar months (the 31st becomes the month's last day). */
export function addMonths(text, months) {
  const a = parseDate(text);
  if (!a) {
    return null;
  }
  const total = a.y * 12 + (a.m - 1) + months;
  const y = Math.floor(total / 12);
  const m = (total % 12) + 1;
  const last = new Date(Date.UTC(y, m, 0)).getUTCDate();
  return iso({ y, m, d: Math.min(a.d, last) });
}

/** Mask a licence or ID number for screens and records: first 3 and last 4 kept (`110***********002X`). */
export function maskLicence(number) {
  const n = normaliseIdNumber(number);
  if (!n) {
    return '';
  }
  if (n.length <= 7) {
    return '*'.repeat(n.length);
  }
  return n.slice(0, 3) + '*'.repeat(n.length - 7) + n.slice(-4);
}

/** Legacy 15-digit numbers (GB 11643-1989) as 18: "19" inserted after the address code, check char computed. */
export function upgradeIdNumber(number) {
  const n = normaliseIdNumber(number);
  if (!/^\d{15}$/.test(n)) {
    return n;
  }
  const first17 = `${n.slice(0, 6)}19${n.slice(6)}`;
  return first17 + checkCharacter(first17);
}

/** Judge a driver on `today` ('YYYY-MM-DD') under a store's `rules` (missing keys from DEFAULT_RULES); returns the
 *  sorted reason codes, [] when they may drive. `input` keys as in the contract: has_licence,
 *  licence_document_type, licence_number (tablet only), licence_verified, licence_class, vehicle_class,
 *  licence_valid_to, licence_first_issued, driver_age, escort_present, impaired, refused_to_sign,
 *  vehicle_available. */
export function evaluate(rules, input, today) {
  const given = Object.fromEntries(Object.entries(rules || {}).filter(([, v]) => v !== null && v !== undefined));
  const r = { ...DEFAULT_RULES, ...given };
  const reasons = new Set();
  if (input.has_licence !== undefined && !input.has_licence) {
    reasons.add('no_licence');
  } else {
    const number = input.licence_number;
    const mainland = (input.licence_document_type ?? 'mainland_id') === 'mainland_id';
    let age = input.driver_age;
    if (mainland && number !== null && number !== undefined && number !== '') {
      if (validIdNumber(number, today)) {
        age = yearsBetween(birthDateFromId(upgradeIdNumber(number)), today);
      } else {
        reasons.add('licence_number_invalid');
      }
    } else if (!input.licence_verified) {
      reasons.add('licence_number_invalid');
    }
    if (!classCovers(r.class_coverage, input.licence_class, input.vehicle_class)) {
      reasons.add('class_not_covered');
    }
    const validTo = parseDate(input.licence_valid_to) ? input.licence_valid_to : null;
    if (!validTo || validTo < today) {
      reasons.add('licence_expired');
    }
    const first = parseDate(input.licence_first_issued) ? input.licence_first_issued : null;
    if (r.refuse_probation && (!first || today < addMonths(first, Math.trunc(Number(r.probation_months))))) {
      reasons.add('probation');
    }
    const minYears = Math.trunc(Number(r.min_experience_years)) || 0;
    if (minYears > 0 && (!first || yearsBetween(first, today) < minYears)) {
      reasons.add('too_little_experience');
    }
    const unknown = !Number.isInteger(age);
    if (unknown && reasons.has('licence_number_invalid')) {
      // The age was to come from the number: already refused for it, do not guess.
    } else if (unknown || age < Math.trunc(Number(r.min_age))) {
      reasons.add('under_age');
    }
  }
  if (r.escort_required && !input.escort_present) {
    reasons.add('no_escort');
  }
  if (input.impaired) {
    reasons.add('impaired');
  }
  if (input.refused_to_sign) {
    reasons.add('not_signed');
  }
  if (input.vehicle_available === false) {
    reasons.add('vehicle_unavailable');
  }
  return [...reasons].sort();
}

/** The age a valid mainland number gives on `today`, or null. */
export function ageFromId(number, today) {
  const n = upgradeIdNumber(number);
  return validIdNumber(n, today) ? yearsBetween(birthDateFromId(n), today) : null;
}

/** Whether a drive's distance (end − start km) is far from its route's: |distance − route| > max(5, route / 2). */
export function farFromRoute(startKm, endKm, routeKm) {
  if (!routeKm || startKm === null || startKm === undefined || endKm === null || endKm === undefined) {
    return false;
  }
  return Math.abs(endKm - startKm - routeKm) > Math.max(5, 0.5 * routeKm);
}
