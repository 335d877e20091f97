// Dates, labels and masked numbers shown in several screens, in the language now shown.

import { languageTag, t } from './i18n.js';

/** The label of a role name as used by the server (same English sources as server/domain.py's ROLES). */
export function roleLabel(role) {
  const labels = {
    receptionist: t('Receptionist'),
    consultant: t('Sales consultant'),
    escort: t('Test-drive escort'),
    account_manager: t('Account manager'),
    manager: t('Sales manager'),
    back_office: t('Back office'),
    admin: t('Administrator'),
  };
  return labels[role] || role;
}

/** A time for people: "14:05" today, "11月28日 14:05" / "Nov 28, 14:05" on another day. */
export function formatTime(iso) {
  if (!iso) {
    return '';
  }
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) {
    return '';
  }
  const sameDay = date.toDateString() === new Date().toDateString();
  const options = sameDay
    ? { hour: '2-digit', minute: '2-digit' }
    : { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' };
  return new Intl.DateTimeFormat(languageTag(), options).format(date);
}

/** When a record was made, for people: on the device that made it (`device_created_at`, kept by the server beside
 *  its own receipt time), else when the server received it. */
export function madeAt(record) {
  return (record && (record.device_created_at || record.created_at)) || '';
}

/** First 3 and last 4 digits, as lists show them (server/domain.py mask_phone): 138****8000. */
export function maskPhone(phone) {
  if (!phone) {
    return '';
  }
  if (phone.length < 8) {
    return '*'.repeat(phone.length);
  }
  return phone.slice(0, 3) + '*'.repeat(phone.length - 7) + phone.slice(-4);
}

/** Today as 'YYYY-MM-DD' in the tablet's time zone. */
export function localToday(date = new Date()) {
  const pad = (n) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
}
