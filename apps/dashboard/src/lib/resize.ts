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
