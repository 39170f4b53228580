/** A tiny inline SVG bar chart (no chart library, no external assets); the numbers stay in the title. */
export function Sparkline({
  values,
  label,
  tone = 'ok',
  width = 180,
  height = 36,
}: {
  values: number[];
  label: string;
  tone?: 'ok' | 'danger';
  width?: number;
  height?: number;
}) {
  const max = Math.max(1, ...values);
  const barWidth = width / Math.max(1, values.length);
  const total = values.reduce((a, b) => a + b, 0);
  return (
    <svg
      className={`sparkline sparkline--${tone}`}
      width={width}
      height={height}
      viewBox={`0 0 ${width} ${height}`}
      role="img"
      aria-label={`${label}: ${total} in the last ${values.length} minutes, at most ${max} per minute`}
    >
      <line x1="0" y1={height - 0.5} x2={width} y2={height - 0.5} className="sparkline__axis" />
      {values.map((v, i) => {
        const h = v === 0 ? 0 : Math.max(1.5, (v / max) * (height - 2));
        return (
          <rect key={i} x={i * barWidth} y={height - h} width={Math.max(1, barWidth - 0.5)} height={h} />
        );
      })}
    </svg>
  );
}
