// A signature pad (signature_pad@5.1.4) that survives rotation and resizing: the canvas is sized with
// devicePixelRatio for sharp lines, and the strokes are kept as data ({width, strokes}) so they are redrawn —
// scaled to the new width — after a resize and after a reload (the caller stores them in the draft).

import SignaturePad from '../../vendor/signature_pad-5.1.4.min.js';

function scaled(stored, width) {
  const k = stored.width ? width / stored.width : 1;
  return stored.strokes.map((stroke) => ({
    ...stroke, points: stroke.points.map((p) => ({ ...p, x: p.x * k, y: p.y * k })),
  }));
}

/** Attach a pad to `canvas` with saved `data`; `onChange(data|null)` after every stroke and on clear. */
export function signaturePad(canvas, { data = null, onChange = () => {} } = {}) {
  const pad = new SignaturePad(canvas, { penColor: '#0d2a44', minWidth: 1.2, maxWidth: 3.2 });
  let stored = data && data.strokes && data.strokes.length ? data : null;
  let shownWidth = 0;

  const fit = () => {
    const width = canvas.offsetWidth;
    const height = canvas.offsetHeight;
    if (!width || !height || width === shownWidth) {
      return; // hidden, or a resize that did not change our width (the canvas' own attributes changing)
    }
    shownWidth = width;
    const ratio = Math.max(window.devicePixelRatio || 1, 1);
    canvas.width = Math.round(width * ratio);
    canvas.height = Math.round(height * ratio);
    canvas.getContext('2d').scale(ratio, ratio);
    pad.clear();
    if (stored) {
      pad.fromData(scaled(stored, width));
    }
  };

  pad.addEventListener('endStroke', () => {
    stored = { width: canvas.offsetWidth, strokes: pad.toData() };
    onChange(stored);
  });
  const observer = new ResizeObserver(fit);
  observer.observe(canvas);
  fit();

  return {
    /** Whether nothing has been drawn. */
    isEmpty: () => pad.isEmpty(),
    /** Wipe the pad and its saved strokes. */
    clear: () => {
      pad.clear();
      stored = null;
      onChange(null);
    },
    /** The drawing as a PNG Blob, encoded at once: Chromium encodes a `toBlob` PNG only in idle time and waits up
     *  to 1 s (4 s on Android) for an idle main thread before it starts, so a busy screen kept the seal waiting
     *  seconds. `toDataURL` gives the very same bytes now. */
    toPng: async () => {
      const url = canvas.toDataURL('image/png');
      const text = atob(url.slice(url.indexOf(',') + 1));
      const bytes = new Uint8Array(text.length);
      for (let i = 0; i < text.length; i += 1) {
        bytes[i] = text.charCodeAt(i);
      }
      return new Blob([bytes], { type: 'image/png' });
    },
    /** Stop drawing (read-only) or allow it again. */
    setEnabled: (on) => (on ? pad.on() : pad.off()),
    /** Detach the listeners. */
    destroy: () => {
      observer.disconnect();
      pad.off();
    },
  };
}
