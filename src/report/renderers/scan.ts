import type { Inventory, RepoInventory, VerifyReport } from '../../core/types.js';
import { renderScanMarkdown, renderScanText } from '../scan.js';
import { json } from './json.js';

/** An inventory whose repos may carry their `--verify` results (app/scan.ts ScanResult). */
export interface ScanView extends Inventory {
  repos: (RepoInventory & { verification?: VerifyReport[] })[];
}

const verificationOf = (v: ScanView): VerifyReport[][] => (v.repos.some((r) => r.verification) ? v.repos.map((r) => r.verification ?? []) : []);

/** `seams scan`: the tiered inventory. */
export const scanRenderers = {
  text: (v: ScanView) => renderScanText(v, verificationOf(v)),
  json: (v: ScanView) => json(v),
  markdown: (v: ScanView) => renderScanMarkdown(v, verificationOf(v)),
};

export type ScanFormat = keyof typeof scanRenderers;
