type Dimension = 'clientWidth' | 'clientHeight';

/** Svelte action factory: calls back with the element's size along one dimension now and whenever it changes (where ResizeObserver exists). */
function observeSize(dimension: Dimension) {
  const box = dimension === 'clientWidth' ? 'width' : 'height';
  return (node: HTMLElement, onSize: (size: number) => void) => {
    let callback = onSize;
    if (node[dimension]) callback(node[dimension]);
    if (typeof ResizeObserver === 'undefined') return { update: (f: typeof onSize) => void (callback = f) };
    const observer = new ResizeObserver((entries) => {
      const size = entries[0]?.contentRect[box];
      if (size) callback(Math.floor(size));
    });
    observer.observe(node);
    return {
      update: (f: typeof onSize) => void (callback = f),
      destroy: () => observer.disconnect(),
    };
  };
}

/** Svelte action: calls `onWidth` with the element's width now and whenever it changes. */
export const observeWidth = observeSize('clientWidth');
/** Svelte action: calls `onHeight` with the element's height now and whenever it changes. */
export const observeHeight = observeSize('clientHeight');
