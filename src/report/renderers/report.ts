import { renderHtmlReport, type ReportData, type ReportInput } from '../html/index.js';
import { renderCompletionMarkdown, type CompletionReport } from '../markdown-report.js';

/** `seams report`: the self-contained HTML report and the completion Markdown. */
export const reportRenderers = {
  html: (input: ReportInput | ReportData) => renderHtmlReport(input),
  markdown: (input: CompletionReport) => renderCompletionMarkdown(input),
};
