/**
 * Window math for the virtualized table: only the rows in (and just around) the viewport
 * exist in the DOM, so 100 000 rows scroll as smoothly as 100. Pure.
 */

export interface VisibleRange {
  /** First rendered row (inclusive). */
  start: number;
  /** Last rendered row (exclusive). */
  end: number;
  /** Pixels above the first rendered row. */
  offset: number;
  /** Height of the whole (virtual) list. */
  totalHeight: number;
}

export function visibleRange(scrollTop: number, viewportHeight: number, rowHeight: number, total: number, overscan = 6): VisibleRange {
  const totalHeight = total * rowHeight;
  if (total === 0 || rowHeight <= 0) return { start: 0, end: 0, offset: 0, totalHeight: 0 };
  const top = Math.max(0, Math.min(scrollTop, Math.max(0, totalHeight - viewportHeight)));
  const first = Math.floor(top / rowHeight);
  const count = Math.ceil(Math.max(0, viewportHeight) / rowHeight) + 1;
  const start = Math.max(0, first - overscan);
  const end = Math.min(total, first + count + overscan);
  return { start, end, offset: start * rowHeight, totalHeight };
}

/** The scrollTop that makes row `index` fully visible, changing as little as possible. */
export function scrollToReveal(index: number, scrollTop: number, viewportHeight: number, rowHeight: number): number {
  const top = index * rowHeight;
  if (top < scrollTop) return top;
  if (top + rowHeight > scrollTop + viewportHeight) return Math.max(0, top + rowHeight - viewportHeight);
  return scrollTop;
}

/** Keyboard navigation: the active row after a key, or undefined when the key does not move it. */
export function moveActive(index: number, key: string, total: number, pageRows: number): number | undefined {
  if (total === 0) return undefined;
  const clamp = (i: number) => Math.max(0, Math.min(total - 1, i));
  switch (key) {
    case 'ArrowDown': return clamp(index + 1);
    case 'ArrowUp': return clamp(index - 1);
    case 'PageDown': return clamp(index + Math.max(1, pageRows));
    case 'PageUp': return clamp(index - Math.max(1, pageRows));
    case 'Home': return 0;
    case 'End': return total - 1;
    default: return undefined;
  }
}
