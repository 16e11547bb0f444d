/** The coverage model lives in core (pure); the coverage readers re-export it. */
export * from '../core/coverage.js';
