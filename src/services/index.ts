export { ServiceSession, type ServiceSessionOptions, type UpResult } from './manager.js';
export type { Preflight, PreflightProblem } from './preflight.js';
export { reapStale, readStates, ownerAlive, teardownState, type RunState, type ServiceState } from './state.js';
export { durationMs, envName, splitCommand, substitute, freePort, tcpOpen } from './util.js';
export { secretKeys, serviceSecrets } from './service-env.js';
