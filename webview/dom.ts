/**
 * The only way the page creates elements. Text goes in with `textContent`; attributes
 * that could carry script or inline style (on*, style, href, src, srcdoc, formaction) are
 * refused, so no dataset string can become markup or code. There is no innerHTML here.
 */

export interface ElOptions {
  className?: string;
  text?: string;
  attrs?: Record<string, string>;
  children?: Node[];
}

const UNSAFE_ATTR = /^(on.*|style|href|xlink:href|src|srcdoc|formaction|action)$/i;

/** Attributes that could run script, load a resource or inject inline style: never set from here. */
export const isUnsafeAttribute = (name: string): boolean => UNSAFE_ATTR.test(name.trim());

export function setAttrs(node: Pick<Element, 'setAttribute'>, attrs: Record<string, string | number>): void {
  for (const [k, v] of Object.entries(attrs)) {
    if (isUnsafeAttribute(k)) throw new Error(`refusing to set attribute ${k}`);
    node.setAttribute(k, String(v));
  }
}

export function el<K extends keyof HTMLElementTagNameMap>(tag: K, o?: ElOptions): HTMLElementTagNameMap[K];
export function el(tag: string, o?: ElOptions): HTMLElement;
export function el(tag: string, o: ElOptions = {}): HTMLElement {
  const node = document.createElement(tag);
  if (o.className) node.className = o.className;
  if (o.attrs) setAttrs(node, o.attrs);
  if (o.text !== undefined) node.textContent = o.text;
  if (o.children) node.append(...o.children);
  return node;
}

const SVG_NS = 'http://www.w3.org/2000/svg';

export function svgEl<K extends keyof SVGElementTagNameMap>(tag: K, attrs: Record<string, string | number> = {}, text?: string): SVGElementTagNameMap[K] {
  const node = document.createElementNS(SVG_NS, tag);
  setAttrs(node, attrs);
  if (text !== undefined) node.textContent = text;
  return node;
}

const filledWith = new WeakMap<HTMLElement, string>();

/**
 * A `<vscode-option>` list for a `<vscode-single-select>`. Skips unchanged options and values:
 * each re-render of that component measures its position (a forced layout).
 */
export function fillSelect(select: HTMLElement, options: { value: string; label: string }[], value: string): void {
  const key = JSON.stringify(options);
  if (filledWith.get(select) !== key) {
    filledWith.set(select, key);
    select.replaceChildren(...options.map((o) => el('vscode-option', { text: o.label, attrs: { value: o.value } })));
  }
  const s = select as HTMLElement & { value: string };
  if (s.value !== value) s.value = value;
}

/** A labelled `<vscode-single-select>`; `onChange` gets the chosen value. */
export function labelledSelect(id: string, label: string, onChange: (value: string) => void): { wrap: HTMLElement; select: HTMLElement } {
  const select = el('vscode-single-select', { attrs: { id, 'aria-label': label } });
  select.addEventListener('change', () => onChange((select as HTMLElement & { value: string }).value));
  const wrap = el('div', { className: 'control', children: [el('label', { text: label, attrs: { for: id } }), select] });
  return { wrap, select };
}

export function button(label: string, onClick: () => void, opts: { secondary?: boolean; id?: string } = {}): HTMLElement {
  const b = el('vscode-button', { text: label, attrs: opts.id ? { id: opts.id } : {} });
  if (opts.secondary) b.setAttribute('secondary', '');
  b.addEventListener('click', () => {
    if (!b.hasAttribute('disabled')) onClick();
  });
  return b;
}

export function setDisabled(node: HTMLElement, disabled: boolean): void {
  node.toggleAttribute('disabled', disabled);
}

/** Reads a theme colour (a VS Code CSS variable) from the body. */
export function themeVar(name: string): string {
  return getComputedStyle(document.body).getPropertyValue(name).trim();
}
