import { renderFlakyJson, renderFlakyText, renderIngestText } from '../history.js';
import { renderRunText } from '../run.js';

/** `seams ingest`: what was stored. */
export const ingestRenderers = { text: renderIngestText };
/** `seams flaky`: the flaky tests of the history. */
export const flakyRenderers = { text: renderFlakyText, json: renderFlakyJson };
/** The terminal summary of `seams run` (its JSON is the run record itself). */
export const runRenderers = { text: renderRunText };
