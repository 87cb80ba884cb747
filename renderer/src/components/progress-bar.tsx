import { useEffect, useRef } from 'react';

/** A progress bar whose width is set through the DOM (the CSP allows no inline style attributes). */
export function ProgressBar({ value, max, label }: { value: number; max: number; label: string }) {
  const fill = useRef<HTMLDivElement>(null);
  const fraction = max > 0 ? Math.min(1, value / max) : 0;
  useEffect(() => {
    fill.current?.style.setProperty('width', `${(fraction * 100).toFixed(2)}%`);
  }, [fraction]);
  return (
    <div
      className="progress"
      role="progressbar"
      aria-label={label}
      aria-valuemin={0}
      aria-valuemax={100}
      aria-valuenow={Math.round(fraction * 100)}
    >
      <div className="progress-fill" ref={fill} />
    </div>
  );
}
