import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { moveActive, scrollToReveal, visibleRange } from '../../webview/model/virtualWindow';

const ROW = 24;
const VIEW = 320;

test('at the top: rows 0.. the viewport plus overscan', () => {
  const r = visibleRange(0, VIEW, ROW, 100_000, 6);
  assert.deepEqual(r, { start: 0, end: Math.ceil(VIEW / ROW) + 1 + 6, offset: 0, totalHeight: 2_400_000 });
});

test('in the middle of 100 000 rows only a window of rows is rendered, covering the viewport', () => {
  const scrollTop = 1_234_567;
  const r = visibleRange(scrollTop, VIEW, ROW, 100_000, 6);
  assert.ok(r.end - r.start <= Math.ceil(VIEW / ROW) + 1 + 12);
  assert.ok(r.offset <= scrollTop, 'first rendered row starts at or above the viewport');
  assert.ok(r.offset + (r.end - r.start) * ROW >= scrollTop + VIEW, 'rendered rows reach past the viewport');
  assert.equal(r.offset, r.start * ROW);
});

test('at and past the end the window stays inside the list', () => {
  const total = 1000;
  for (const scrollTop of [total * ROW - VIEW, total * ROW, 10 * total * ROW]) {
    const r = visibleRange(scrollTop, VIEW, ROW, total, 6);
    assert.equal(r.end, total);
    assert.ok(r.start < r.end);
  }
});

test('empty lists and degenerate sizes render nothing', () => {
  assert.deepEqual(visibleRange(0, VIEW, ROW, 0), { start: 0, end: 0, offset: 0, totalHeight: 0 });
  assert.deepEqual(visibleRange(50, VIEW, 0, 10), { start: 0, end: 0, offset: 0, totalHeight: 0 });
  const neg = visibleRange(-500, VIEW, ROW, 10);
  assert.equal(neg.start, 0);
});

test('property: the rendered window always covers the visible rows and is bounded by the viewport', () => {
  fc.assert(fc.property(
    fc.integer({ min: 1, max: 200_000 }), fc.double({ min: 0, max: 1, noNaN: true }), fc.integer({ min: 0, max: 2000 }), fc.integer({ min: 0, max: 10 }),
    (total, frac, view, overscan) => {
      const maxScroll = Math.max(0, total * ROW - view);
      const scrollTop = frac * maxScroll;
      const r = visibleRange(scrollTop, view, ROW, total, overscan);
      const firstVisible = Math.floor(scrollTop / ROW);
      const lastVisible = Math.min(total - 1, Math.floor((scrollTop + view - 1e-9) / ROW));
      assert.ok(r.start <= firstVisible && r.end > Math.max(firstVisible, lastVisible));
      assert.ok(r.end - r.start <= Math.ceil(view / ROW) + 1 + 2 * overscan);
      assert.ok(r.start >= 0 && r.end <= total);
    },
  ), { numRuns: 300, seed: 5 });
});

test('revealing a row scrolls as little as possible', () => {
  assert.equal(scrollToReveal(5, 0, VIEW, ROW), 0, 'already visible');
  assert.equal(scrollToReveal(100, 0, VIEW, ROW), 100 * ROW + ROW - VIEW, 'below: align bottom');
  assert.equal(scrollToReveal(3, 2000, VIEW, ROW), 3 * ROW, 'above: align top');
});

test('keyboard moves: arrows, pages, Home/End, clamped; other keys do not move', () => {
  assert.equal(moveActive(0, 'ArrowDown', 10, 5), 1);
  assert.equal(moveActive(0, 'ArrowUp', 10, 5), 0);
  assert.equal(moveActive(9, 'ArrowDown', 10, 5), 9);
  assert.equal(moveActive(2, 'PageDown', 10, 5), 7);
  assert.equal(moveActive(7, 'PageDown', 10, 5), 9);
  assert.equal(moveActive(7, 'PageUp', 10, 5), 2);
  assert.equal(moveActive(4, 'Home', 10, 5), 0);
  assert.equal(moveActive(4, 'End', 10, 5), 9);
  assert.equal(moveActive(4, 'a', 10, 5), undefined);
  assert.equal(moveActive(0, 'ArrowDown', 0, 5), undefined);
});
