/** Flakiness is computed in core (pure); the store re-exports it for its callers. */
export * from '../core/flaky.js';
