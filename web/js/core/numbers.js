// Reading a number typed into a text field, once for every form on the tablet. What was typed stays in the field
// (the caller never rewrites it); text that is not a number is an error shown at the field, never 0, so garbage
// can neither be saved nor reach a signed record. Pure: no DOM, no storage (translations only).

import { t } from './i18n.js';

/** Full-width digits and separators (a Chinese input method types ７７６１ or １２．５) as ASCII. */
function halfWidth(text) {
  return text.replace(/[\uFF10-\uFF19\uFF0C\uFF0E]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xFEE0));
}

/**
 * The number typed in a field: `{value}`, or `{error}` in the person's language. Blanks around are ignored; empty
 * is `{value: null}` unless `required`. `decimals` allows a decimal part ('12.5' or '12,5'); otherwise only whole
 * numbers. `min`/`max` bound the value (inclusive).
 */
export function readNumber(text, { min = 0, max = 1_000_000, required = true, decimals = false } = {}) {
  const raw = halfWidth(String(text ?? '').trim());
  if (!raw) {
    return required ? { error: t('Required.') } : { value: null };
  }
  const pattern = decimals ? /^-?\d+([.,]\d+)?$/ : /^-?\d+$/;
  if (!pattern.test(raw)) {
    return { error: decimals ? t('Enter a number.') : t('Enter a whole number.') };
  }
  const value = Number(raw.replace(',', '.'));
  if (!Number.isFinite(value) || value < min || value > max) {
    return { error: t('Enter a number from %(min)s to %(max)s.', { min, max }) };
  }
  return { value };
}
