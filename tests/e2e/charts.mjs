// charts.mjs - what a canvas chart shows, read back for tests: an init script records every
// fillText on every canvas (the text and where it lands on the page, through the context's
// transform), starting over when the whole canvas is cleared for a new frame. axisLabels()
// then gives the labels of a chart's bottom (x) axis left to right, or of its left (y) axis
// top to bottom, as the user sees them - independent of the chart library's own model.

// Call on a browser context before its pages load.
export async function recordCanvasText(ctx) {
  await ctx.addInitScript(() => {
    const P = CanvasRenderingContext2D.prototype;
    const fill = P.fillText, clear = P.clearRect;
    P.clearRect = function (x, y, w, h) {
      const m = this.getTransform();
      // a clear of (nearly) the whole canvas begins a new frame
      if (x <= 0 && y <= 0 && w * m.a >= this.canvas.width * 0.98 && h * m.d >= this.canvas.height * 0.98) this.canvas.__texts = [];
      return clear.call(this, x, y, w, h);
    };
    P.fillText = function (text, x, y, ...rest) {
      const m = this.getTransform();
      const dpr = window.devicePixelRatio || 1;
      const width = this.measureText(String(text)).width * m.a / dpr;
      let px = (m.a * x + m.c * y + m.e) / dpr;
      const py = (m.b * x + m.d * y + m.f) / dpr;
      if (this.textAlign === 'right' || this.textAlign === 'end') px -= width;
      else if (this.textAlign === 'center') px -= width / 2;
      (this.canvas.__texts = this.canvas.__texts || []).push({ text: String(text), x: px, y: py, w: width });
      return fill.call(this, text, x, y, ...rest);
    };
  });
}

// The texts last drawn on the first canvas inside selector, in viewport coordinates.
export async function canvasTexts(page, selector) {
  return page.evaluate((sel) => {
    const c = document.querySelector(sel + ' canvas');
    if (!c || !c.__texts) return [];
    const r = c.getBoundingClientRect();
    return c.__texts.map((t) => ({ ...t, x: t.x + r.left, y: t.y + r.top }));
  }, selector);
}

// The chart's texts once its drawing settles (the same texts twice, 300 ms apart): where a
// user would click, not where an animation passed by.
export async function settledTexts(page, selector, timeout = 10000) {
  const until = Date.now() + timeout;
  let last = '';
  for (;;) {
    const all = await canvasTexts(page, selector);
    const key = JSON.stringify(all.map((t) => [t.text, Math.round(t.x), Math.round(t.y)]));
    if (all.length && key === last) return all;
    if (Date.now() > until) throw new Error(`the chart ${selector} drew no stable text within ${timeout} ms`);
    last = key;
    await page.waitForTimeout(300);
  }
}

// Wait until the chart's drawing settles, then return the labels of its bottom axis (left to
// right) or, with axis 'y', of its left axis (top to bottom).
export async function axisLabels(page, selector, axis = 'x', timeout = 10000) {
  return pick(await settledTexts(page, selector, timeout), axis);
}

function pick(all, axis) {
  if (axis === 'x') {
    const bottom = Math.max(...all.map((t) => t.y));
    return all.filter((t) => bottom - t.y < 4).sort((a, b) => a.x - b.x);
  }
  // the left axis: texts whose left edge is near the leftmost one, top to bottom
  const left = Math.min(...all.map((t) => t.x));
  const minY = Math.min(...all.map((t) => t.y));
  return all.filter((t) => t.x - left < 140 && t.y > minY + 2).sort((a, b) => a.y - b.y);
}
