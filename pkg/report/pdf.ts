import PDFDocument from 'pdfkit';
import SVGtoPDF from 'svg-to-pdfkit';
import type { Block } from './document';

const MARGIN = { top: 50, bottom: 56, left: 50, right: 50 };
const GREY = '#666666';
const RULE = '#d0d0d0';

/** Document properties of a PDF report. */
export interface PdfInfo {
  title: string;
  subject?: string;
  /** written as the PDF's creation date, so the same report gives the same file */
  createdAt: number;
}

/**
 * Render report blocks as an A4 PDF with pdfkit: text in the standard Helvetica fonts, charts drawn as vector
 * graphics from their SVG (svg-to-pdfkit), tables with pdfkit's table support, a footer with the title and
 * "page i of n". Headings are kept with what follows and charts are never split across pages, so it reads well
 * printed in black and white.
 *
 * @returns the PDF bytes
 */
export function renderPdf(blocks: readonly Block[], info: PdfInfo): Promise<Buffer> {
  const doc = new PDFDocument({
    size: 'A4',
    margins: MARGIN,
    bufferPages: true,
    info: {
      Title: info.title,
      Subject: info.subject ?? '',
      Author: 'Vigil',
      Creator: 'Vigil',
      CreationDate: new Date(info.createdAt),
    },
  });
  const chunks: Buffer[] = [];
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('data', (c: Buffer) => chunks.push(c));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  const W = doc.page.width - MARGIN.left - MARGIN.right;
  const bottom = () => doc.page.height - MARGIN.bottom;
  const ensure = (h: number) => {
    if (doc.y + h > bottom()) doc.addPage();
  };
  const x0 = MARGIN.left;

  for (let k = 0; k < blocks.length; k++) {
    const b = blocks[k];
    switch (b.type) {
      case 'title':
        doc.font('Helvetica-Bold').fontSize(22).fillColor('#111111').text(b.text, x0, doc.y, { width: W });
        doc.moveDown(0.2);
        doc.font('Helvetica').fontSize(9.5).fillColor(GREY).text(b.subtitle, { width: W });
        doc.moveDown(0.8);
        break;
      case 'heading': {
        const size = b.level === 2 ? 15 : 12;
        ensure((b.level === 2 ? 40 : 30) + minHeight(blocks[k + 1], W));
        doc.moveDown(b.level === 2 ? 0.8 : 0.5);
        doc.font('Helvetica-Bold').fontSize(size).fillColor('#111111').text(b.text, x0, doc.y, { width: W });
        if (b.level === 2) {
          const y = doc.y + 2;
          doc
            .moveTo(x0, y)
            .lineTo(x0 + W, y)
            .lineWidth(0.7)
            .strokeColor(RULE)
            .stroke();
          doc.y = y + 6;
        } else doc.moveDown(0.3);
        break;
      }
      case 'paragraph':
        doc.font('Helvetica').fontSize(10.5).fillColor('#222222');
        ensure(Math.min(doc.heightOfString(b.text, { width: W, lineGap: 2.5 }), 60));
        doc.text(b.text, x0, doc.y, { width: W, lineGap: 2.5 });
        doc.moveDown(0.6);
        break;
      case 'note':
        doc.font('Helvetica').fontSize(8.5).fillColor(GREY);
        ensure(doc.heightOfString(b.text, { width: W }));
        doc.text(b.text, x0, doc.y, { width: W });
        doc.moveDown(0.5);
        break;
      case 'figures': {
        const gap = 8;
        const n = b.items.length;
        const bw = (W - gap * (n - 1)) / n;
        const h = 44;
        ensure(h + 10);
        const y = doc.y;
        b.items.forEach((it, i) => {
          const x = x0 + i * (bw + gap);
          doc.roundedRect(x, y, bw, h, 3).lineWidth(0.7).strokeColor(RULE).stroke();
          doc
            .font('Helvetica-Bold')
            .fontSize(17)
            .fillColor(it.color ?? '#111111')
            .text(it.value, x, y + 7, { width: bw, align: 'center', lineBreak: false });
          doc
            .font('Helvetica')
            .fontSize(8)
            .fillColor(GREY)
            .text(it.label, x, y + 29, { width: bw, align: 'center', lineBreak: false });
        });
        doc.x = x0;
        doc.y = y + h + 12;
        break;
      }
      case 'facts': {
        const lw = 72;
        for (const f of b.items) {
          doc.font('Helvetica').fontSize(9.5);
          const h = doc.heightOfString(f.value, { width: W - lw, lineGap: 1.5 });
          ensure(h + 2);
          const y = doc.y;
          doc.fillColor(GREY).text(f.label, x0, y, { width: lw - 6 });
          doc.fillColor(f.link ? '#1f4e79' : '#222222').text(f.value, x0 + lw, y, {
            width: W - lw,
            lineGap: 1.5,
            ...(f.link ? { link: f.link, underline: true } : {}),
          });
          doc.y = y + h + 2;
        }
        doc.x = x0;
        doc.moveDown(0.5);
        break;
      }
      case 'table': {
        doc.font('Helvetica').fontSize(8.5).fillColor('#222222');
        // a table that fits on one page starts on a page where it fits whole
        ensure(Math.min(tableHeight(b.rows.length), doc.page.height - MARGIN.top - MARGIN.bottom));
        const widths = b.columns.map((c) => (c.width ?? 1 / b.columns.length) * W);
        const header: PDFKit.Mixins.CellOptions[] = b.columns.map((c) => ({
          text: c.title,
          font: { src: 'Helvetica-Bold' },
          backgroundColor: '#f0f0f0',
          align: { x: c.align ?? 'left', y: 'top' },
        }));
        const rows: PDFKit.Mixins.CellOptions[][] = b.rows.map((r) =>
          r.map((v, i) => ({ text: v, align: { x: b.columns[i]?.align ?? 'left', y: 'top' } }))
        );
        doc.table({
          position: { x: x0, y: doc.y },
          columnStyles: widths,
          defaultStyle: { border: { bottom: 0.5, top: 0, left: 0, right: 0 }, borderColor: RULE, padding: [2.5, 4] },
          data: [header, ...rows],
        });
        doc.x = x0;
        doc.moveDown(0.8);
        break;
      }
      case 'chart': {
        const c = b.chart;
        const { w, h } = chartSize(c, W);
        doc.font('Helvetica').fontSize(8.5);
        const capH = doc.heightOfString(c.caption, { width: W });
        ensure(h + capH + 26);
        doc.font('Helvetica-Bold').fontSize(10.5).fillColor('#111111').text(c.title, x0, doc.y, { width: W });
        doc.moveDown(0.2);
        const y = doc.y;
        SVGtoPDF(doc, sized(c.svg, w, h), x0, y, {
          width: w,
          height: h,
          assumePt: true,
          fontCallback: (_family: string, bold: boolean) => (bold ? 'Helvetica-Bold' : 'Helvetica'),
          warningCallback: () => undefined,
        });
        doc.x = x0;
        doc.y = y + h + 2;
        doc.font('Helvetica').fontSize(8.5).fillColor(GREY).text(c.caption, x0, doc.y, { width: W });
        doc.moveDown(0.9);
        break;
      }
      case 'pagebreak':
        if (doc.y > MARGIN.top + 5) doc.addPage();
        break;
    }
  }

  const range = doc.bufferedPageRange();
  for (let i = range.start; i < range.start + range.count; i++) {
    doc.switchToPage(i);
    const saved = doc.page.margins.bottom;
    doc.page.margins.bottom = 0;
    doc
      .font('Helvetica')
      .fontSize(8)
      .fillColor(GREY)
      .text(`${info.title}  ·  page ${i + 1} of ${range.count}`, x0, doc.page.height - 34, {
        width: W,
        align: 'center',
        lineBreak: false,
      });
    doc.page.margins.bottom = saved;
  }
  doc.end();
  return done;
}

/** A chart's drawn size: its SVG size in points, scaled down to the line width when wider. */
function chartSize(c: { width: number; height: number }, lineWidth: number): { w: number; h: number } {
  const w = Math.min(c.width, lineWidth);
  return { w, h: (c.height * w) / c.width };
}

/** Height of a table of single-line rows at 8.5 pt (header included). */
function tableHeight(rows: number): number {
  return 18 * (rows + 1);
}

/** Room a block needs at the least to start on a page (a heading keeps this much of what follows with it). */
function minHeight(b: Block | undefined, lineWidth: number): number {
  if (!b) return 0;
  switch (b.type) {
    case 'chart':
      return chartSize(b.chart, lineWidth).h + 40;
    case 'table':
      return Math.min(tableHeight(b.rows.length), 200);
    case 'facts':
      return 70;
    case 'figures':
      return 56;
    default:
      return 40;
  }
}

/** The SVG with its outer width and height set to the drawn size, so its viewBox scales the content to fit. */
function sized(svg: string, w: number, h: number): string {
  return svg.replace(/^<svg([^>]*)>/, (_m, attrs: string) => {
    const rest = attrs.replace(/\s(width|height)="[^"]*"/g, '');
    return `<svg${rest} width="${w.toFixed(2)}" height="${h.toFixed(2)}">`;
  });
}
