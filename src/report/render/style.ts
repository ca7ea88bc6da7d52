// The page's style sheet, inlined into its <head>.
export const STYLE = `
:root { --fg: #1d2329; --muted: #5f6b76; --line: #d8dee4; --accent: #0b6bcb; --bg: #ffffff; --panel: #f6f8fa; }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--fg); background: var(--bg); }
header { padding: 20px 32px 12px; border-bottom: 1px solid var(--line); }
header h1 { margin: 0 0 4px; font-size: 22px; }
header p { margin: 0; color: var(--muted); }
nav { padding: 8px 32px; border-bottom: 1px solid var(--line); background: var(--panel); position: sticky; top: 0; z-index: 1; }
nav a { margin-right: 14px; color: var(--accent); text-decoration: none; }
main { padding: 8px 32px 48px; max-width: 1560px; }
section { margin: 24px 0 8px; }
h2 { font-size: 18px; border-bottom: 1px solid var(--line); padding-bottom: 4px; }
h3 { font-size: 15px; margin: 18px 0 6px; }
.row { display: flex; gap: 40px; flex-wrap: wrap; align-items: flex-start; }
p.note { color: var(--muted); font-size: 12px; max-width: 560px; }
.grid2 { display: grid; grid-template-columns: repeat(auto-fit, minmax(460px, 1fr)); gap: 12px 24px; }
figure { margin: 0; }
figcaption { color: var(--muted); font-size: 12px; }
svg.chart { width: 100%; max-width: 760px; height: auto; display: block; background: #fff; }
svg .plot { fill: #fbfcfd; stroke: var(--line); }
svg .grid { stroke: #e6eaee; }
svg text { font-size: 11px; fill: var(--fg); }
svg .tick { fill: var(--muted); }
svg .axis { fill: var(--muted); font-style: italic; }
svg .absent { fill: #9aa5b1; font-style: italic; font-size: 10px; }
svg .best { fill: none; stroke: #111; stroke-width: 2; }
svg .best-label { font-weight: 600; }
svg .guide { stroke: #888; stroke-dasharray: 3 3; }
svg rect[data-tip]:hover { opacity: 0.75; }
table { border-collapse: collapse; margin: 6px 0 12px; font-variant-numeric: tabular-nums; }
th, td { border: 1px solid var(--line); padding: 3px 8px; text-align: right; }
th { background: var(--panel); }
td.name, th.name { text-align: left; }
tr.differs td { background: #fff4d6; }
td.absent { color: #9aa5b1; font-style: italic; }
td.up { color: #137333; } td.down { color: #b3261e; }
code, pre { font-family: ui-monospace, SFMono-Regular, Menlo, monospace; font-size: 12.5px; }
pre.cmd { background: var(--panel); border: 1px solid var(--line); padding: 8px 10px; white-space: pre-wrap; word-break: break-all; }
details summary { cursor: pointer; color: var(--accent); margin: 6px 0; }
p.none { color: #9aa5b1; font-style: italic; }
p.warn { background: #fff4d6; border: 1px solid #e0b252; border-radius: 4px; padding: 8px 12px; max-width: 960px; }
.samples { display: grid; grid-template-columns: repeat(auto-fill, minmax(360px, 1fr)); gap: 16px; }
.samples img { width: 100%; border: 1px solid var(--line); image-rendering: pixelated; }
.tip { position: fixed; pointer-events: none; background: rgba(29,35,41,0.92); color: #fff; padding: 5px 8px; border-radius: 4px; font-size: 12px; white-space: pre; display: none; z-index: 2; }
.figures { display: flex; gap: 24px; flex-wrap: wrap; margin: 4px 0 10px; }
.figures div { background: var(--panel); border: 1px solid var(--line); border-radius: 4px; padding: 6px 12px; }
.figures b { display: block; font-size: 18px; }
`;
