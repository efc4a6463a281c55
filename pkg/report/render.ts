import { chartSpecs, renderCharts, type RenderedChart } from './charts';
import { reportDocument } from './document';
import { renderHtml } from './html';
import { renderMarkdown } from './markdown';
import { renderPdf } from './pdf';
import type { Report, ReportSeries } from './types';

/** Output formats of a report. */
export type ReportFormat = 'md' | 'html' | 'pdf' | 'json';
export const REPORT_FORMATS: readonly ReportFormat[] = ['md', 'html', 'pdf', 'json'];

/** Media type of each format. */
export const REPORT_CONTENT_TYPES: Record<ReportFormat, string> = {
  md: 'text/markdown; charset=utf-8',
  html: 'text/html; charset=utf-8',
  pdf: 'application/pdf',
  json: 'application/json; charset=utf-8',
};

/** A rendered report: its bytes or text, its media type, and the charts drawn for it. */
export interface RenderedReport {
  body: string | Buffer;
  contentType: string;
  charts: RenderedChart[];
}

/**
 * Render a report: JSON (the `Report` document, no charts), Markdown (charts as links given by `chartLink`, whose
 * files the caller writes from `charts`), HTML (one self-contained page with inline SVG) or PDF (A4).
 *
 * @param series scored series for the incident charts (optional)
 * @throws Error from Vega or pdfkit when rendering fails
 */
export async function renderReport(
  report: Report,
  format: ReportFormat,
  options: { series?: readonly ReportSeries[]; chartLink?: (chart: RenderedChart) => string } = {}
): Promise<RenderedReport> {
  if (format === 'json') {
    return { body: `${JSON.stringify(report, null, 2)}\n`, contentType: REPORT_CONTENT_TYPES.json, charts: [] };
  }
  const charts = await renderCharts(chartSpecs(report, options.series ?? []));
  const blocks = reportDocument(report, charts);
  if (format === 'md') {
    return { body: renderMarkdown(blocks, options.chartLink), contentType: REPORT_CONTENT_TYPES.md, charts };
  }
  if (format === 'html') return { body: renderHtml(blocks), contentType: REPORT_CONTENT_TYPES.html, charts };
  const body = await renderPdf(blocks, {
    title: report.title,
    subject: report.summary.paragraphs[0] ?? '',
    createdAt: report.generatedAt,
  });
  return { body, contentType: REPORT_CONTENT_TYPES.pdf, charts };
}
