import type { Block } from './document';

const STYLE = `
@page { size: A4; margin: 18mm 16mm; }
body { font-family: Helvetica, Arial, sans-serif; color: #222; max-width: 820px; margin: 24px auto; padding: 0 16px; line-height: 1.45; }
h1 { font-size: 24px; margin-bottom: 2px; } h2 { font-size: 18px; margin-top: 28px; border-bottom: 1px solid #ddd; padding-bottom: 3px; }
h3 { font-size: 15px; margin: 18px 0 6px; } .subtitle { color: #666; font-size: 13px; margin-top: 0; }
.figures { display: flex; flex-wrap: wrap; gap: 10px; margin: 16px 0; } .figure { border: 1px solid #ddd; border-radius: 4px; padding: 6px 12px; min-width: 70px; }
.figure .v { font-size: 22px; font-weight: bold; } .figure .l { font-size: 12px; color: #666; }
table { border-collapse: collapse; width: 100%; font-size: 13px; margin: 8px 0 14px; } th, td { border-bottom: 1px solid #e3e3e3; padding: 3px 6px; text-align: left; vertical-align: top; }
th { background: #f3f3f3; } td.r, th.r { text-align: right; } dl { display: grid; grid-template-columns: max-content 1fr; gap: 2px 12px; font-size: 14px; }
dt { color: #666; } dd { margin: 0; } figure { margin: 10px 0 18px; break-inside: avoid; } figcaption { font-size: 12px; color: #666; }
figure .title { font-weight: bold; font-size: 14px; } .note { font-size: 12px; color: #666; } svg { max-width: 100%; height: auto; }
.pagebreak { break-before: page; }
`;

/**
 * Render report blocks as one self-contained HTML page: inline SVG charts, no scripts or external files, with
 * print styles (A4, charts never split across pages), so "print to PDF" from a browser also gives a clean report.
 */
export function renderHtml(blocks: readonly Block[]): string {
  const out: string[] = [];
  let title = 'Vigil report';
  for (const b of blocks) {
    switch (b.type) {
      case 'title':
        title = b.text;
        out.push(`<h1>${esc(b.text)}</h1>`, `<p class="subtitle">${esc(b.subtitle)}</p>`);
        break;
      case 'heading':
        out.push(`<h${b.level}>${esc(b.text)}</h${b.level}>`);
        break;
      case 'paragraph':
        out.push(`<p>${esc(b.text)}</p>`);
        break;
      case 'note':
        out.push(`<p class="note">${esc(b.text)}</p>`);
        break;
      case 'figures':
        out.push(
          `<div class="figures">${b.items
            .map(
              (i) =>
                `<div class="figure"><div class="v"${i.color ? ` style="color:${esc(i.color)}"` : ''}>${esc(i.value)}</div><div class="l">${esc(i.label)}</div></div>`
            )
            .join('')}</div>`
        );
        break;
      case 'facts':
        out.push(
          `<dl>${b.items
            .map(
              (f) =>
                `<dt>${esc(f.label)}</dt><dd>${f.link ? `<a href="${esc(f.link)}">${esc(f.value)}</a>` : esc(f.value)}</dd>`
            )
            .join('')}</dl>`
        );
        break;
      case 'table':
        out.push(
          `<table><thead><tr>${b.columns.map((c) => `<th${c.align === 'right' ? ' class="r"' : ''}>${esc(c.title)}</th>`).join('')}</tr></thead><tbody>` +
            b.rows
              .map(
                (r) =>
                  `<tr>${r.map((v, i) => `<td${b.columns[i]?.align === 'right' ? ' class="r"' : ''}>${esc(v)}</td>`).join('')}</tr>`
              )
              .join('') +
            '</tbody></table>'
        );
        break;
      case 'chart':
        out.push(
          `<figure><div class="title">${esc(b.chart.title)}</div>${b.chart.svg}<figcaption>${esc(b.chart.caption)}</figcaption></figure>`
        );
        break;
      case 'pagebreak':
        out.push('<div class="pagebreak"></div>');
        break;
    }
  }
  return `<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><title>${esc(title)}</title><style>${STYLE}</style></head><body>\n${out.join('\n')}\n</body></html>\n`;
}

/** Escape text for HTML content and attributes. */
export function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}
