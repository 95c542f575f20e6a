/** Svelte action: calls `onWidth` with the element's width now and whenever it changes (where ResizeObserver exists). */
export function observeWidth(node: HTMLElement, onWidth: (width: number) => void) {
  let callback = onWidth;
  if (node.clientWidth) callback(node.clientWidth);
  if (typeof ResizeObserver === 'undefined') return { update: (f: typeof onWidth) => void (callback = f) };
  const observer = new ResizeObserver((entries) => {
    const width = entries[0]?.contentRect.width;
    if (width) callback(Math.floor(width));
  });
  observer.observe(node);
  return {
    update: (f: typeof onWidth) => void (callback = f),
    destroy: () => observer.disconnect(),
  };
}

/** Svelte action: calls `onHeight` with the element's height now and whenever it changes (where ResizeObserver exists). */
export function observeHeight(node: HTMLElement, onHeight: (height: number) => void) {
  let callback = onHeight;
  if (node.clientHeight) callback(node.clientHeight);
  if (typeof ResizeObserver === 'undefined') return { update: (f: typeof onHeight) => void (callback = f) };
  const observer = new ResizeObserver((entries) => {
    const height = entries[0]?.contentRect.height;
    if (height) callback(Math.floor(height));
  });
  observer.observe(node);
  return {
    update: (f: typeof onHeight) => void (callback = f),
    destroy: () => observer.disconnect(),
  };
}
