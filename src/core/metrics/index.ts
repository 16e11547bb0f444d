/** The one metric vocabulary of seams: pure, synchronous, over values loaded beforehand. */
export * from './types.js';
export * from './vocabulary.js';
export { computeMetrics, metricValue, type MetricContext, type MetricResult } from './analysis.js';
export { evaluateMetric } from './evaluate.js';
export { flakyWindowsSuffice } from './run-metrics.js';
export { formatDuration, parseDurationMs } from './duration.js';
export { logicalRuns, runLabel, inventoryIndex, tierOfResult, countsInMetrics, isKnownResult, type LogicalRun } from './runs.js';
export { compileSelector, compileSelectors, selectableTest, selectableResult, testKey, idParts, type Selectable, type Selector } from './selectors.js';
