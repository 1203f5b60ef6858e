/** Alias of `errors.ts` for the listeners' import path. */
export { renderProblem } from './errors.js';
