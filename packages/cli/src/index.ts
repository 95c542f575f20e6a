export { main, program } from './main.js';
export { loadFamilies } from './families.js';
