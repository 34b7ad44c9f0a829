// Layout problems a user sees, found in the page as it is now (run by
// `Session::layout_problems`). Returns one line per problem:
// - "outside window": a visible element that sticks out of the window sideways;
// - "spills": an element whose content is wider than it and shows (overflow visible),
//   or scrolls sideways (overflow auto/scroll) unless marked `data-scrolls-x`;
// - "button outside dialog": a dialog's control outside the dialog's box;
// - "cut": an element marked `data-full-text` whose text does not fit (a name the list
//   must show whole at this size).
// Text cut on purpose with an ellipsis (overflow hidden) is not a problem.
(() => {
  const problems = [];
  const W = window.innerWidth;
  const H = window.innerHeight;
  const name = (el) => {
    const id = el.getAttribute('data-testid');
    if (id) return `${el.tagName.toLowerCase()}[data-testid=${id}]`;
    const cls = [...el.classList].slice(0, 2).join('.');
    const parent = el.parentElement;
    const ptest = parent && parent.closest('[data-testid]');
    return `${el.tagName.toLowerCase()}${cls ? '.' + cls : ''}${ptest ? ` in [data-testid=${ptest.getAttribute('data-testid')}]` : ''}`;
  };
  const visible = (el) => {
    const s = getComputedStyle(el);
    if (s.display === 'none' || s.visibility === 'hidden' || Number(s.opacity) === 0) return false;
    const r = el.getBoundingClientRect();
    return r.width > 0 && r.height > 0;
  };
  // Whether an ancestor clips `el` on purpose (a scroller or an overflow: hidden box).
  const clipped = (el) => {
    for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) {
      const ox = getComputedStyle(p).overflowX;
      if (ox === 'hidden' || ox === 'auto' || ox === 'scroll' || ox === 'clip') return true;
    }
    return false;
  };
  const all = [...document.body.querySelectorAll('*')].filter(visible);
  for (const el of all) {
    if (el.closest('svg') && el.tagName.toLowerCase() !== 'svg') continue;
    const r = el.getBoundingClientRect();
    if ((r.right > W + 1 || r.left < -1) && r.top < H && !clipped(el)) {
      problems.push(`outside window: ${name(el)} (${Math.round(r.left)}..${Math.round(r.right)} of ${W})`);
    }
    const s = getComputedStyle(el);
    if (el.scrollWidth > el.clientWidth + 1 && el.clientWidth > 0 && !['INPUT', 'TEXTAREA', 'SELECT'].includes(el.tagName)) {
      if (s.overflowX === 'visible' && !clipped(el) && el.children.length + (el.textContent ? 1 : 0) > 0) {
        // Content wider than its box shows past it (only where nothing clips it anyway).
        // A child past the right edge, or text alone running past it (a digest in a <p>).
        const inner =
          [...el.children].some((c) => c.getBoundingClientRect().right > r.right + 1) ||
          (el.children.length === 0 && (el.textContent ?? '').trim() !== '');
        if (inner) problems.push(`spills: ${name(el)} (${el.scrollWidth} > ${el.clientWidth})`);
      } else if ((s.overflowX === 'auto' || s.overflowX === 'scroll') && !el.closest('[data-scrolls-x]')) {
        problems.push(`scrolls sideways: ${name(el)} (${el.scrollWidth} > ${el.clientWidth})`);
      }
    }
    if (el.hasAttribute('data-full-text') && el.scrollWidth > el.clientWidth + 1) {
      problems.push(`cut: ${name(el)} "${el.textContent.trim().slice(0, 70)}" (${el.scrollWidth} > ${el.clientWidth})`);
    }
  }
  for (const dialog of document.querySelectorAll('.dialog')) {
    if (!visible(dialog)) continue;
    const d = dialog.getBoundingClientRect();
    if (d.right > W + 1 || d.left < -1 || d.bottom > H + 1 || d.top < -1) {
      problems.push(`dialog outside window: ${name(dialog)}`);
    }
    for (const b of dialog.querySelectorAll('button, select, input')) {
      if (!visible(b)) continue;
      const r = b.getBoundingClientRect();
      if (r.left < d.left - 1 || r.right > d.right + 1) {
        problems.push(`control outside dialog: ${name(b)} "${(b.textContent || b.getAttribute('aria-label') || '').trim().slice(0, 40)}"`);
      }
    }
  }
  if (document.documentElement.scrollWidth > W + 1) {
    problems.push(`window scrolls sideways (${document.documentElement.scrollWidth} > ${W})`);
  }
  return [...new Set(problems)];
})()
