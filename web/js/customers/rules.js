// The customer file's rules, identical to the server's CustomerSchema (server/schemas/customer.py): the same
// JSON Schema it publishes at /api/sync/v1/schema (a browser test compares the two), the same phone
// normalisation, and the same messages, so the tablet refuses exactly what the server would refuse.

import { t } from '../core/i18n.js';

/** The customer's published properties (GET /api/sync/v1/schema → entities.customer.jsonSchema). */
export const CUSTOMER_SCHEMA = {
  type: 'object',
  properties: {
    name: { type: 'string', minLength: 1, maxLength: 80 },
    phone: { type: 'string', default: '', pattern: '^(1[3-9]\\d{9})?$' },
    grade: { type: 'string', default: 'N', enum: ['N', 'H', 'A', 'B', 'C', 'O', 'D', 'L', 'X'] },
    source: {
      type: 'string',
      default: 'walk_in',
      enum: ['walk_in', 'phone_in', 'online', 'oem', 'auto_media', 'social', 'search', 'advertising', 'auto_show',
        'roadshow', 'referral', 'acquaintance', 'owner_repurchase', 'fleet', 'event'],
    },
    owner_id: { type: ['integer', 'null'], default: null },
    notes: { type: 'string', default: '', maxLength: 2000 },
  },
  required: ['name'],
  additionalProperties: false,
};

/** Grade codes in the order of the grade buttons, and their labels (server/domain.py GRADES). */
export function gradeLabel(code) {
  const labels = {
    N: t('New lead, not graded'),
    H: t('Hot: order within 7 days'),
    A: t('Order likely within 15 days'),
    B: t('Order within 30 days'),
    C: t('Order in 1-3 months'),
    O: t('Ordered, awaiting delivery'),
    D: t('Delivered owner'),
    L: t('Lost (defeated)'),
    X: t('Invalid'),
  };
  return labels[code] || code;
}

/** Why a grade changed (server/vocabularies/grades.py GRADE_CHANGE_REASONS). */
export function gradeReasonLabel(code) {
  const labels = {
    consultant: t('Changed by the consultant'),
    needs_analysis: t('Confirmed from the needs analysis'),
    office: t('Restored in the office from a conflict'),
    lost_approved: t('Lost deal approved by the manager'),
    reactivated: t('Reactivated by the manager'),
  };
  return labels[code] || code;
}

/** The label of a lead source code (server/domain.py LEAD_SOURCES). */
export function sourceLabel(code) {
  const labels = {
    walk_in: t('Walk-in'),
    phone_in: t('Phone-in'),
    online: t('Online lead (DCC)'),
    oem: t('Manufacturer lead'),
    auto_media: t('Auto media (Autohome, Dongchedi, Yiche)'),
    social: t('Short video and social (Douyin, WeChat)'),
    search: t('Search engine'),
    advertising: t('Print, radio, TV, outdoor ads'),
    auto_show: t('Auto show'),
    roadshow: t('Roadshow and outbound prospecting'),
    referral: t('Existing-customer referral'),
    acquaintance: t('Acquaintance referral'),
    owner_repurchase: t('Trade-in or repurchase by owner'),
    fleet: t('Fleet / key account'),
    event: t('Showroom event'),
  };
  return labels[code] || code;
}

/** The label of a customer field, for errors and conflicts. */
export function fieldLabel(field) {
  const labels = {
    name: t('Name'), phone: t('Mobile'), grade: t('Grade'), source: t('Source'), owner_id: t('Consultant'),
    notes: t('Notes'),
  };
  return labels[field] || field;
}

/** Strip spaces, dashes, brackets and a +86 / 86 prefix, exactly like the server's normalise_mobile. */
export function normalisePhone(raw) {
  let digits = String(raw || '').replace(/[\s\-()]/g, '');
  if (digits.startsWith('+86')) {
    digits = digits.slice(3);
  } else if (digits.startsWith('86') && digits.length === 13) {
    digits = digits.slice(2);
  }
  return digits;
}

/** Values as the server loads them: strings trimmed (Trimmed mixin), the phone normalised. */
export function cleanCustomer(values) {
  const clean = {};
  for (const [field, value] of Object.entries(values)) {
    clean[field] = typeof value === 'string' ? value.trim() : value;
  }
  if (typeof clean.phone === 'string') {
    clean.phone = normalisePhone(clean.phone);
  }
  return clean;
}

/** Field errors ({field: [message]}) of cleaned `values`; `partial` checks only the fields given (an edit). */
export function validateCustomer(values, { partial = false } = {}) {
  const errors = {};
  const add = (field, message) => { (errors[field] = errors[field] || []).push(message); };
  for (const field of CUSTOMER_SCHEMA.required) {
    if (!partial && (values[field] === undefined || values[field] === null)) {
      add(field, t('This field is required.'));
    }
  }
  for (const [field, value] of Object.entries(values)) {
    const rule = CUSTOMER_SCHEMA.properties[field];
    if (!rule) {
      add(field, t('Unknown field.'));
    } else if (value === null || value === undefined) {
      if (!(Array.isArray(rule.type) && rule.type.includes('null'))) {
        add(field, t('This field is required.'));
      }
    } else if (rule.type === 'string' || rule.type === 'integer') {
      checkValue(field, value, rule, add);
    } else if (Array.isArray(rule.type) && !Number.isInteger(value)) {
      add(field, t('Not a valid value.'));
    }
  }
  return errors;
}

function checkValue(field, value, rule, add) {
  if (rule.type === 'integer') {
    if (!Number.isInteger(value)) {
      add(field, t('Not a valid value.'));
    }
    return;
  }
  if (typeof value !== 'string') {
    add(field, t('Not a valid value.'));
  } else if (rule.minLength && value.length < rule.minLength) {
    add(field, t('This field is required.'));
  } else if (rule.maxLength && value.length > rule.maxLength) {
    add(field, t('At most %(max)s characters.', { max: rule.maxLength }));
  } else if (rule.enum && !rule.enum.includes(value)) {
    add(field, t('Choose one of the listed values.'));
  } else if (rule.pattern && !new RegExp(rule.pattern).test(value)) {
    add(field, t('Enter an 11-digit mainland mobile number, e.g. 13800138000.'));
  }
}
