// The language switch, the same on every tablet screen.

import { h } from '../core/dom.js';
import { language, t } from '../core/i18n.js';

// Each language is named in its own language (a reader who cannot read the current one must still find theirs),
// so these two labels are deliberately not passed through t().
const CHOICES = [['zh_CN', '中文', 'zh-CN'], ['en', 'English', 'en']];

/** A two-button switch; `onChoose(lang)` runs when the person picks the other language. */
export function languageSwitch(onChoose) {
  return h('div', { class: 'segmented', role: 'group', 'aria-label': t('Language') },
    CHOICES.map(([code, label, tag]) => h('button', {
      type: 'button',
      lang: tag,
      class: 'segment',
      'aria-pressed': String(code === language()),
      'data-language': code,
      onclick: () => {
        if (code !== language()) {
          onChoose(code);
        }
      },
    }, label)));
}
