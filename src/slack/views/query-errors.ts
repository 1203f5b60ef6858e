/** Alias of `errors.ts` for the listeners' import path. */
export { MAX_ERRORS_LISTED, renderQueryErrors } from './errors.js';
