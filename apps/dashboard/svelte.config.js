/** Svelte compiler settings, read by the Vite build and the component tests. */
export default {
  compilerOptions: { runes: true },
};
