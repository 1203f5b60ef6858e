import fc from 'fast-check';

// Property tests explore new inputs on every developer run; CI replays a fixed seed so that a landing never
// depends on luck. A failure prints its seed and counterexample either way.
if (process.env.CI) fc.configureGlobal({ seed: 20261127 });
