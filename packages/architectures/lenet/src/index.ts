export { lenet, type LeNetOptions } from './lenet.js';
