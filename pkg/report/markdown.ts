import type { RenderedChart } from './charts';
import type { Block, Column } from './document';

/**
 * Render report blocks as Markdown (GitHub flavour). Charts become image links when `chartLink` gives a path for
 * them (the caller writes the SVG files there), and are left out otherwise.
 */
export function renderMarkdown(blocks: readonly Block[], chartLink?: (chart: RenderedChart) => string): string {
  const out: string[] = [];
  for (const b of blocks) {
    switch (b.type) {
      case 'title':
        out.push(`# ${b.text}`, '', `_${b.subtitle}_`, '');
        break;
      case 'heading':
        out.push(`${'#'.repeat(b.level)} ${b.text}`, '');
        break;
      case 'paragraph':
        out.push(b.text, '');
        break;
      case 'note':
        out.push(`> ${b.text}`, '');
        break;
      case 'figures':
        out.push(
          `| ${b.items.map((i) => i.label).join(' | ')} |`,
          `| ${b.items.map(() => '---:').join(' | ')} |`,
          `| ${b.items.map((i) => i.value).join(' | ')} |`,
          ''
        );
        break;
      case 'facts':
        for (const f of b.items) out.push(`- **${f.label}**: ${f.link ? `<${f.link}>` : f.value}`);
        out.push('');
        break;
      case 'table':
        out.push(...table(b.columns, b.rows));
        break;
      case 'chart':
        if (chartLink) out.push(`![${b.chart.title}](${chartLink(b.chart)})`, '', `_${b.chart.caption}_`, '');
        else if (b.fallback && b.fallback.rows.length && b.fallback.columns.length) {
          out.push(`**${b.chart.title}**`, '', ...table(b.fallback.columns, b.fallback.rows));
        }
        break;
      case 'pagebreak':
        break;
    }
  }
  return `${out.join('\n').trimEnd()}\n`;
}

function table(columns: readonly Column[], rows: readonly string[][]): string[] {
  return [
    `| ${columns.map((c) => c.title).join(' | ')} |`,
    `| ${columns.map((c) => (c.align === 'right' ? '---:' : '---')).join(' | ')} |`,
    ...rows.map((r) => `| ${r.map(cell).join(' | ')} |`),
    '',
  ];
}

function cell(s: string): string {
  return s.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}
